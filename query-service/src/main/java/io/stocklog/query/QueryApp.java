package io.stocklog.query;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.events.Checks;
import io.stocklog.http.JettyDefaults;
import io.stocklog.http.OpenApiDocument;
import io.stocklog.http.ProblemErrorHandler;
import io.stocklog.http.RequestLog;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelUnavailableException;
import io.stocklog.readmodel.ReservationRow;
import io.stocklog.readmodel.SkuRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service's HTTP surface. Handlers parse and validate, ask {@link StockReader}, and write JSON;
 * every failure becomes {@code application/problem+json} in {@link #configure}'s exception mapping.
 * Handlers run on virtual threads, so a read-your-writes wait costs no platform thread.
 */
public final class QueryApp {

  private static final Logger log = LoggerFactory.getLogger(QueryApp.class);
  static final int MAX_IDS = 100;
  static final int MAX_WAIT_SECONDS = 30;
  private static final String PROBLEM_JSON = "application/problem+json";
  /** How long a stop waits for requests in flight, waiters included. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(35);
  /** The OpenAPI document, served at {@code GET /openapi.json}. */
  static final String OPENAPI = "openapi/query-service.json";
  /** The logger of the one line a request (see {@link RequestLog}). */
  static final String REQUEST_LOG = "io.stocklog.query.RequestLog";

  private final StockReader reader;
  private final ReadModelQueries queries;
  private final PrometheusMeterRegistry registry;
  private final Javalin app;

  public QueryApp(StockReader reader, ReadModelQueries queries, PrometheusMeterRegistry registry) {
    this.reader = reader;
    this.queries = queries;
    this.registry = registry;
    this.app = Javalin.create(this::configure);
  }

  public Javalin javalin() {
    return app;
  }

  private void configure(io.javalin.config.JavalinConfig config) {
    config.startup.showJavalinBanner = false;
    config.concurrency.useVirtualThreads = true;
    config.http.prefer405over404 = true;
    // What Jetty refuses before routing (bad URI, oversize headers) is a problem+json too, not HTML.
    config.jetty.modifyServer(server -> {
      server.setErrorHandler(new ProblemErrorHandler());
      // On stop, refuse new requests and let those in flight (waiters included) finish; a burst of new
      // connections (storefronts after a deploy) must queue, not be dropped.
      JettyDefaults.apply(server, STOP_TIMEOUT);
    });
    readable(config, "/health", ctx -> json(ctx, 200, Map.of("status", "UP")));
    readable(config, "/ready", this::ready);
    readable(config, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(registry.scrape()));
    readable(config, "/skus", this::skus);
    readable(config, "/skus/{sku}", this::sku);
    readable(config, "/skus/{sku}/reservations/{orderId}", this::reservation);
    readable(config, "/openapi.json", OpenApiDocument.handler(OPENAPI));

    config.routes.exception(Problem.class, (e, ctx) -> problem(ctx, e.status(), e.title(), e.detail()));
    config.routes.exception(ReadModelUnavailableException.class, (e, ctx) -> {
      log.warn("Answering 503: {}", e.getMessage());
      ctx.header("Retry-After", "1");
      problem(ctx, 503, "Service Unavailable", "the read model database is unavailable; retry shortly");
    });
    config.routes.exception(HttpResponseException.class, this::refused);
    config.routes.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
      problem(ctx, 500, "Internal Server Error", "unexpected failure; see the service log");
    });
    config.routes.error(404, ctx -> {
      if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
        problem(ctx, 404, "Not Found", "no such resource: " + ctx.method() + " " + ctx.path());
      }
    });
    config.requestLogger.http(this::recordTiming);
    RequestLog.install(config, REQUEST_LOG);
  }

  /** GET, and HEAD as GET without the body (RFC 9110 9.3.2): Jetty drops the body and keeps the headers. */
  private static void readable(io.javalin.config.JavalinConfig config, String path, Handler handler) {
    config.routes.get(path, handler);
    config.routes.head(path, handler);
  }

  /** Javalin's own refusals: no route (404), or a method the path does not take (405, with Allow). */
  private void refused(HttpResponseException e, Context ctx) {
    String allowed = String.join(", ", e.getDetails().values());
    String detail = switch (e.getStatus()) {
      case 404 -> "no such resource: " + ctx.method() + " " + ctx.path();
      case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path()
          + (allowed.isEmpty() ? "" : "; allowed: " + allowed);
      default -> e.getMessage();
    };
    if (e.getStatus() == 405 && !allowed.isEmpty()) {
      ctx.header("Allow", allowed);
    }
    problem(ctx, e.getStatus(), title(e.getStatus()), detail);
  }

  private void sku(Context ctx) {
    String sku = id(ctx.pathParam("sku"), "sku");
    QueryParams params = QueryParams.parse(ctx.queryString());
    Position min = minPosition(params, reader.partitions());
    Reading<Optional<SkuRow>> reading = reader.sku(sku, min, waitFor(params));
    freshnessHeaders(ctx, reading.freshness());
    SkuRow row = reading.value().orElseThrow(() -> Problem.notFound(
        "sku " + sku + " is not in the read model" + behindNote(reading.freshness(), min)));
    Map<String, Object> body = skuBody(row);
    body.put("freshness", reading.freshness());
    json(ctx, 200, body);
  }

  private void skus(Context ctx) {
    QueryParams params = QueryParams.parse(ctx.queryString());
    List<String> ids = ids(params.single("ids"));
    Position min = minPosition(params, reader.partitions());
    Reading<List<SkuRow>> reading = reader.skus(ids, min, waitFor(params));
    freshnessHeaders(ctx, reading.freshness());
    List<Map<String, Object>> found = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>(ids);
    for (SkuRow row : reading.value()) {
      found.add(skuBody(row));
      missing.remove(row.sku());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("skus", found);
    body.put("missing", missing);
    body.put("freshness", reading.freshness());
    json(ctx, 200, body);
  }

  private void reservation(Context ctx) {
    String sku = id(ctx.pathParam("sku"), "sku");
    String orderId = id(ctx.pathParam("orderId"), "orderId");
    QueryParams params = QueryParams.parse(ctx.queryString());
    Position min = minPosition(params, reader.partitions());
    Reading<Optional<ReservationRow>> reading = reader.reservation(sku, orderId, min, waitFor(params));
    freshnessHeaders(ctx, reading.freshness());
    ReservationRow row = reading.value().orElseThrow(() -> Problem.notFound("reservation " + orderId
        + " of sku " + sku + " is not in the read model" + behindNote(reading.freshness(), min)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", row.orderId());
    body.put("sku", row.sku());
    body.put("quantity", row.quantity());
    body.put("status", row.status());
    body.put("expiresAt", row.expiresAt());
    if (row.status() == ReservationStatus.REJECTED) {
      body.put("rejectReason", row.rejectReason());
    }
    body.put("position", row.position().token());
    body.put("updatedAt", row.updatedAt());
    body.put("freshness", reading.freshness());
    json(ctx, 200, body);
  }

  private void ready(Context ctx) {
    try {
      queries.ping(1);
      json(ctx, 200, Map.of("status", "UP", "checks", Map.of("postgres", "UP")));
    } catch (ReadModelUnavailableException e) {
      ctx.header("Retry-After", "1");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "about:blank");
      body.put("title", "Service Unavailable");
      body.put("status", 503);
      body.put("detail", "postgres does not answer: " + e.getMessage());
      body.put("checks", Map.of("postgres", "DOWN"));
      write(ctx, 503, PROBLEM_JSON, body);
    }
  }

  private static Map<String, Object> skuBody(SkuRow row) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sku", row.sku());
    body.put("onHand", row.onHand());
    body.put("reserved", row.reserved());
    body.put("available", row.available());
    body.put("position", row.position().token());
    body.put("updatedAt", row.updatedAt());
    return body;
  }

  private static void freshnessHeaders(Context ctx, Freshness f) {
    if (f.position() != null) {
      ctx.header("X-Read-Model-Position", f.position());
    }
    if (f.ageMs() != null) {
      ctx.header("X-Read-Model-Age-Ms", Long.toString(f.ageMs()));
    }
    ctx.header("X-Read-Model-Behind", Boolean.toString(f.behind()));
  }

  private static String behindNote(Freshness f, Position min) {
    return f.behind() ? "; the read model is behind the requested position " + min.token()
        + " (applied: " + (f.position() == null ? "nothing yet" : f.position()) + "), so it may appear later" : "";
  }

  static String id(String value, String field) {
    try {
      return Checks.id(field, value);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
  }

  static List<String> ids(String param) {
    if (param == null || param.isBlank()) {
      throw Problem.badRequest("ids is required: a comma-separated list of 1 to " + MAX_IDS + " SKUs");
    }
    String[] parts = param.split(",", -1);
    if (parts.length > MAX_IDS) {
      throw Problem.badRequest("ids must list at most " + MAX_IDS + " SKUs (was " + parts.length + ")");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String part : parts) {
      if (!Checks.isId(part)) {
        throw Problem.badRequest("ids must be SKUs of 1 to 64 characters of [A-Za-z0-9._:-] separated by commas"
            + " (bad entry: \"" + (part.length() > 70 ? part.substring(0, 70) + "..." : part) + "\")");
      }
      ids.add(part);
    }
    return List.copyOf(ids);
  }

  /** The {@code minPosition} token, which must name a partition of the events topic; null when absent. */
  static Position minPosition(QueryParams params, int partitions) {
    String token = params.single("minPosition");
    if (token == null) {
      return null;
    }
    Position position;
    try {
      position = Position.parse(token);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("minPosition: " + e.getMessage());
    }
    if (position.partition() >= partitions) {
      throw Problem.badRequest("minPosition: partition " + position.partition() + " does not exist; the events"
          + " topic has " + partitions + " partitions, 0 to " + (partitions - 1) + " (was \"" + token + "\")");
    }
    return position;
  }

  /** The {@code wait} parameter: 0 to 30 whole seconds, default 0. */
  static Duration waitFor(QueryParams params) {
    String value = params.single("wait");
    if (value == null) {
      return Duration.ZERO;
    }
    if (!value.matches("[0-9]{1,2}") || Integer.parseInt(value) > MAX_WAIT_SECONDS) {
      throw Problem.badRequest("wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS
          + " (was \"" + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "\")");
    }
    return Duration.ofSeconds(Integer.parseInt(value));
  }

  private static void problem(Context ctx, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    write(ctx, status, PROBLEM_JSON, body);
  }

  private static void json(Context ctx, int status, Object body) {
    write(ctx, status, "application/json", body);
  }

  private static void write(Context ctx, int status, String contentType, Object body) {
    try {
      ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String title(int status) {
    return switch (status) {
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 400 -> "Bad Request";
      default -> "HTTP " + status;
    };
  }

  private void recordTiming(Context ctx, Float ms) {
    String route;
    try {
      route = ctx.endpoint().path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    Timer.builder("http.server.requests")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (ms * 1000), TimeUnit.MICROSECONDS);
  }
}
