package io.stocklog.command;

import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem: what goes back as {@code application/problem+json} whenever a request is not
 * done as asked. {@code detail} names the field or header at fault, so a client can fix its request.
 *
 * @param status the HTTP status
 * @param detail what was wrong, in words, naming the field
 * @param headers response headers that go with it (for example {@code Retry-After})
 */
public record Problem(int status, String detail, Map<String, String> headers) {

  public Problem {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem has a 4xx or 5xx status (was " + status + ")");
    }
    Objects.requireNonNull(detail, "detail");
    headers = Map.copyOf(headers);
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, detail, Map.of());
  }

  /** Kafka could not take the write: worth retrying in a second. */
  public static Problem unavailable(String detail) {
    return new Problem(503, detail, Map.of("Retry-After", "1"));
  }

  public ProblemException toException() {
    return new ProblemException(this);
  }
}
