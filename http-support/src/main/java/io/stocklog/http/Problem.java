package io.stocklog.http;

import io.javalin.http.HttpStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An RFC 9457 problem: what goes back as {@code application/problem+json} whenever a request is not done as
 * asked. Every service answers its refusals and failures with one of these, written in one place
 * ({@link Replies#problem}); thrown as a {@link ProblemException} where a request cannot go on.
 *
 * <p>The body is {@code type} (always {@code about:blank}: the status says what kind of problem it is),
 * {@code title} (the status's reason phrase), {@code status} and {@code detail}, then the extension members
 * in the order given (the command service's outcome fields on a 409, readiness's {@code checks}).
 *
 * @param status the HTTP status, 4xx or 5xx
 * @param detail what was wrong, in words, naming the field or header at fault, so a client can fix its request
 * @param headers response headers that go with it (for example {@code Retry-After}, {@code WWW-Authenticate})
 * @param extensions extension members of the body, after the standard ones; none may be named as those
 */
public record Problem(int status, String detail, Map<String, String> headers, Map<String, Object> extensions) {

  private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail");

  public Problem {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem has a 4xx or 5xx status (was " + status + ")");
    }
    Objects.requireNonNull(detail, "detail");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    for (String name : extensions.keySet()) {
      if (STANDARD_MEMBERS.contains(name)) {
        throw new IllegalArgumentException("an extension member may not be named " + name);
      }
    }
    // Insertion order is kept: it is the order of the members in the body.
    extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  public Problem(int status, String detail, Map<String, String> headers) {
    this(status, detail, headers, Map.of());
  }

  public Problem(int status, String detail) {
    this(status, detail, Map.of(), Map.of());
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(404, detail);
  }

  /** A dependency (Kafka, Postgres) cannot serve the request now: worth retrying in a second. */
  public static Problem unavailable(String detail) {
    return new Problem(503, detail, Map.of("Retry-After", "1"));
  }

  /** This problem with one more response header. */
  public Problem withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Problem(status, detail, more, extensions);
  }

  /** This problem with more extension members, after those it has. */
  public Problem with(Map<String, ?> members) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.putAll(members);
    return new Problem(status, detail, headers, more);
  }

  /** This problem with one more extension member. */
  public Problem with(String member, Object value) {
    Map<String, Object> one = new LinkedHashMap<>();
    one.put(member, value);
    return with(one);
  }

  /** The status's reason phrase. */
  public String title() {
    return HttpStatus.forStatus(status).getMessage();
  }

  /** The {@code application/problem+json} body: the standard members, then the extensions. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title());
    body.put("status", status);
    body.put("detail", detail);
    body.putAll(extensions);
    return body;
  }

  public ProblemException toException() {
    return new ProblemException(this);
  }
}
