package io.stocklog.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.EOFException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from what went wrong while answering a request to the {@link Problem} answered: a
 * {@link ProblemException}'s own problem; Javalin's refusals (no route 404, wrong method 405 with
 * {@code Allow}, body too large 413); a body Jetty could not read, the client's fault, 400 (or Jetty's 4xx);
 * anything else 500 with a generic detail, logged once at ERROR with its stack trace, which never reaches the
 * body. {@link HttpPlumbing} installs it as the app's exception handlers; a reply written off the request's
 * thread (the command service's) uses the same, through {@link HttpPlumbing#answer}.
 */
public final class ProblemMapping {

  private static final Logger log = LoggerFactory.getLogger(ProblemMapping.class);
  /** The detail of every 500: what went wrong is for the log, not for the caller. */
  public static final String UNEXPECTED = "unexpected error on the server; it has been logged";

  private final long maxBodyBytes;

  /** @param maxBodyBytes the body limit the app enforces, named in a 413 */
  ProblemMapping(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Answers {@code failure} as its problem. */
  public void answer(Context ctx, Throwable failure) {
    Replies.problem(ctx, problemFor(ctx, failure));
  }

  /** The problem for {@code failure} (a future's wrapper looked through); logs it if it is unexpected. */
  public Problem problemFor(Context ctx, Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof ProblemException p) {
      return p.problem();
    }
    if (e instanceof HttpResponseException refusal) {
      return fromJavalin(refusal, ctx);
    }
    Optional<Problem> unreadable = unreadable(e, ctx);
    if (unreadable.isPresent()) {
      log.debug("unreadable request {} {}: {}", ctx.method(), ctx.path(), e.toString());
      return unreadable.get();
    }
    log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
    return new Problem(500, UNEXPECTED);
  }

  /** The 413 of a body over the limit, named. */
  Problem tooLarge(String what) {
    return new Problem(413, "body is larger than the limit of " + maxBodyBytes + " bytes" + what);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Javalin's own refusals (no route, wrong method, body too large) as problems naming what was wrong. */
  private Problem fromJavalin(HttpResponseException e, Context ctx) {
    int status = e.getStatus() >= 400 && e.getStatus() <= 599 ? e.getStatus() : 500;
    String allowed = String.join(", ", e.getDetails().values());
    return switch (status) {
      case 404 -> Problem.notFound("no such resource: " + ctx.method() + " " + ctx.path());
      case 405 -> {
        Problem p = new Problem(405, "method " + ctx.method() + " is not allowed on " + ctx.path()
            + (allowed.isEmpty() ? "" : "; allowed: " + allowed));
        yield allowed.isEmpty() ? p : p.withHeader("Allow", allowed);
      }
      case 413 -> tooLarge("");
      default -> new Problem(status, e.getMessage() == null ? HttpStatus.forStatus(status).getMessage() : e.getMessage());
    };
  }

  /**
   * A request Jetty could not read to its end: the client sent less than its Content-Length and gave up
   * (EOF), or the body was malformed (a Jetty HTTP exception). The client's fault, not a server error.
   */
  private static Optional<Problem> unreadable(Throwable e, Context ctx) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof EOFException) {
        return Optional.of(Problem.badRequest("request body ended before Content-Length ("
            + ctx.req().getContentLengthLong() + " bytes) was reached"));
      }
      if (t instanceof org.eclipse.jetty.http.HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
        return Optional.of(new Problem(h.getCode(), "the request could not be read: "
            + (h.getReason() == null ? HttpStatus.forStatus(h.getCode()).getMessage() : h.getReason()), Map.of()));
      }
    }
    return Optional.empty();
  }
}
