package io.stocklog.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.stocklog.events.Checks;
import io.stocklog.events.RandomIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One INFO line per HTTP request: method, route (the matched path template, so a SKU never becomes part of
 * a log key), status, duration and request ID. Nothing else of the request is logged: no query string, no
 * header, so no token or credential can reach the log.
 *
 * <p>The request ID is the caller's {@code X-Request-Id} when it is 1 to 64 of {@code [A-Za-z0-9._:-]},
 * else a new one; it is echoed in the response's {@code X-Request-Id} and is in the SLF4J MDC as
 * {@code requestId} while the request's handlers run on its thread.
 *
 * <p>The line is written by a logger each service names (its own {@code io.stocklog.<service>.RequestLog}),
 * so that a log search by logger still tells the services apart.
 */
public final class RequestLog {

  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "requestId";
  private static final String ATTRIBUTE = "stocklog.requestId";

  private RequestLog() {}

  /**
   * Adds the ID's before handler (it must run before any other, which may refuse the request) and the log
   * line, written by the logger named {@code loggerName}.
   */
  public static void install(JavalinConfig config, String loggerName) {
    Logger log = LoggerFactory.getLogger(loggerName);
    config.routes.before(RequestLog::begin);
    config.requestLogger.http((ctx, millis) -> end(log, ctx, millis));
  }

  private static void begin(Context ctx) {
    String id = requestId(ctx.header(HEADER));
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    MDC.put(MDC_KEY, id);
  }

  private static void end(Logger log, Context ctx, Float millis) {
    String id = ctx.attribute(ATTRIBUTE);
    if (id == null) {
      id = requestId(ctx.header(HEADER));
    }
    MDC.put(MDC_KEY, id);
    try {
      log.info("method={} route={} status={} duration_ms={} request_id={}", ctx.method().name(), route(ctx),
          ctx.statusCode(), twoDecimals(millis), id);
    } finally {
      MDC.remove(MDC_KEY);
    }
  }

  /** {@code millis} with two decimals, as {@code %.2f} would write it, without a formatter per request. */
  static String twoDecimals(float millis) {
    long hundredths = Math.round(millis * 100.0);
    long fraction = hundredths % 100;
    return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }

  /** The caller's ID if it is a valid one, else a new random one. */
  public static String requestId(String offered) {
    return offered != null && Checks.isId(offered) ? offered : RandomIds.next();
  }

  /**
   * The route's template, not the path, so that log keys and metric tags stay few; everything unmatched
   * (404, 405) shares one name.
   */
  public static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
