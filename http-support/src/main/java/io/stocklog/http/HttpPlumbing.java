package io.stocklog.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What every service's HTTP server has besides its own routes, installed by one call in its app's Javalin
 * configuration ({@link #install}); the app then adds only its own routes (and, if it has any, the mapping of
 * its own domain exceptions):
 *
 * <ul>
 *   <li>errors as {@code application/problem+json}, mapped in one place ({@link ProblemMapping}); an unmatched
 *       route is a 404 problem, a wrong method a 405 with {@code Allow} ({@code prefer405over404}), and what
 *       Jetty refuses before routing a problem too ({@link ProblemErrorHandler});
 *   <li>{@code GET /health}, {@code GET /ready} (from the service's {@link Readiness}), {@code GET /metrics}
 *       (a Prometheus scrape), {@code GET /openapi.json} (the service's document), each also as HEAD: GET
 *       without the body (RFC 9110 9.3.2; Jetty drops the body and keeps the headers);
 *   <li>the request log ({@link RequestLog}) and the request timer {@code http.server.requests}, tagged with
 *       method, route template ({@code unmatched} when none) and status;
 *   <li>a body limit, optional: a declared {@code Content-Length} over it is a 413 answered before a byte of the
 *       body is read, then up to 8 MiB of the body dropped unparsed, so that a sender still sending reads it;
 *   <li>handlers on virtual threads, a graceful stop and a deep accept backlog ({@link JettyDefaults}).
 * </ul>
 */
public final class HttpPlumbing {

  /** The content type of a Prometheus scrape (text format 0.0.4). */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The largest refused body read and dropped after its 413, so that its sender reads the answer. */
  static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  /**
   * What differs between the services.
   *
   * @param requestLogger the logger of the one line a request (each service names its own, see {@link RequestLog})
   * @param openApi the classpath resource of the service's OpenAPI document
   * @param metrics the registry scraped at {@code /metrics}, where requests are timed
   * @param readiness asked on every {@code /ready}; must answer at once (see {@link Readiness})
   * @param stopTimeout how long a stop waits for requests in flight
   * @param maxBodyBytes the largest body accepted; 0 for Javalin's default and no check of the declared length
   */
  public record Settings(String requestLogger, String openApi, PrometheusMeterRegistry metrics,
      Supplier<Readiness> readiness, Duration stopTimeout, long maxBodyBytes) {

    public Settings {
      Objects.requireNonNull(requestLogger, "requestLogger");
      Objects.requireNonNull(openApi, "openApi");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(readiness, "readiness");
      Objects.requireNonNull(stopTimeout, "stopTimeout");
      if (maxBodyBytes < 0) {
        throw new IllegalArgumentException("maxBodyBytes must not be negative (was " + maxBodyBytes + ")");
      }
    }

    public static Settings of(String requestLogger, String openApi, PrometheusMeterRegistry metrics,
        Supplier<Readiness> readiness, Duration stopTimeout) {
      return new Settings(requestLogger, openApi, metrics, readiness, stopTimeout, 0);
    }

    public Settings withMaxBodyBytes(long limit) {
      return new Settings(requestLogger, openApi, metrics, readiness, stopTimeout, limit);
    }
  }

  private final ProblemMapping problems;

  private HttpPlumbing(ProblemMapping problems) {
    this.problems = problems;
  }

  /** Installs everything above on {@code config}; call it first in the app's configuration. */
  public static HttpPlumbing install(JavalinConfig config, Settings settings) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    // A request waiting (for Kafka, for the read model) costs no platform thread.
    config.concurrency.useVirtualThreads = true;
    config.http.prefer405over404 = true;
    if (settings.maxBodyBytes() > 0) {
      config.http.maxRequestSize = settings.maxBodyBytes();
    }
    ProblemMapping problems = new ProblemMapping(config.http.maxRequestSize);
    config.jetty.modifyServer(server -> {
      // On stop, refuse new requests and let those in flight finish (Javalin nests its handler inside);
      // queue a burst of new connections rather than drop them.
      JettyDefaults.apply(server, settings.stopTimeout());
      // What Jetty refuses before routing (bad URI, oversize headers) is a problem+json too, not HTML.
      server.setErrorHandler(new ProblemErrorHandler());
    });
    PrometheusMeterRegistry metrics = settings.metrics();
    Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    config.requestLogger.http((ctx, millis) -> time(metrics, timers, ctx, millis));
    // First among the before handlers, so that a request refused by a later one still has its ID and its line.
    RequestLog.install(config, settings.requestLogger());
    if (settings.maxBodyBytes() > 0) {
      // Refuse an oversize body by its declared length, without parsing it (see refuseOversize).
      config.routes.before(ctx -> {
        long declared = ctx.req().getContentLengthLong();
        if (declared > settings.maxBodyBytes()) {
          refuseOversize(ctx, problems.tooLarge(" (Content-Length: " + declared + ")"), declared);
        }
      });
    }

    getAndHead(config, "/health", ctx -> Replies.json(ctx, 200, Map.of("status", "UP")));
    getAndHead(config, "/ready", ctx -> ready(ctx, settings.readiness().get()));
    getAndHead(config, "/metrics", ctx -> ctx.contentType(METRICS_CONTENT_TYPE).result(metrics.scrape()));
    getAndHead(config, "/openapi.json", OpenApiDocument.handler(settings.openApi()));

    config.routes.exception(ProblemException.class, (e, ctx) -> problems.answer(ctx, e));
    config.routes.exception(HttpResponseException.class, (e, ctx) -> problems.answer(ctx, e));
    config.routes.exception(Exception.class, (e, ctx) -> problems.answer(ctx, e));
    // A 404 that no handler answered with a body of its own (no route matched) is a problem too.
    config.routes.error(404, ctx -> {
      if (!Replies.PROBLEM_JSON.equals(ctx.res().getContentType())) {
        Replies.problem(ctx, Problem.notFound("no such resource: " + ctx.method() + " " + ctx.path()));
      }
    });
    return new HttpPlumbing(problems);
  }

  /** GET {@code path}, and HEAD as GET without the body. */
  public static void getAndHead(JavalinConfig config, String path, Handler handler) {
    config.routes.get(path, handler);
    config.routes.head(path, handler);
  }

  /**
   * Answers {@code failure} as the exception handlers would: for a reply written outside Javalin's handler
   * chain (a future completed on another thread).
   */
  public void answer(Context ctx, Throwable failure) {
    problems.answer(ctx, failure);
  }

  private static void ready(Context ctx, Readiness readiness) {
    if (readiness.ready()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "UP");
      body.put("checks", readiness.checks());
      Replies.json(ctx, 200, body);
    } else {
      Replies.problem(ctx, Problem.unavailable(readiness.detail()).with("checks", readiness.checks()));
    }
  }

  /** One timer per method, route and status, looked up once each and then taken from a map. */
  private record TimerKey(String method, String route, int status) {}

  private static void time(PrometheusMeterRegistry metrics, Map<TimerKey, Timer> timers, Context ctx, Float millis) {
    TimerKey key = new TimerKey(ctx.method().name(), RequestLog.route(ctx), ctx.statusCode());
    timers.computeIfAbsent(key, k -> Timer.builder("http.server.requests")
            .description("HTTP requests by route and status")
            .tag("method", k.method())
            .tag("route", k.route())
            .tag("status", Integer.toString(k.status()))
            .register(metrics))
        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }

  /**
   * Answers a body over the limit with its 413 at once: written and flushed before a byte of the body is read, so a
   * client waiting to send it reads the answer now. A client still sending it would, if the connection closed now,
   * fail its write and never read the answer (java.net.http: "header parser received no bytes"), so a body up to
   * {@link #DRAIN_LIMIT} is then read and dropped, unparsed; a larger one is cut off. The connection closes after
   * either way, so no client reuses it.
   */
  private static void refuseOversize(Context ctx, Problem problem, long declared) throws IOException {
    byte[] body = Json.MAPPER.writeValueAsBytes(problem.body());
    problem.headers().forEach(ctx::header);
    ctx.header("Connection", "close");
    ctx.status(problem.status()).contentType(Replies.PROBLEM_JSON);
    ctx.res().setContentLength(body.length);
    ctx.res().getOutputStream().write(body);
    ctx.res().flushBuffer();
    ctx.skipRemainingHandlers();
    if (declared <= DRAIN_LIMIT) {
      try (InputStream in = ctx.req().getInputStream()) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException gone) {
        // The client stopped sending (or went away); it has the answer.
      }
    }
  }
}
