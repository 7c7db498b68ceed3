package io.stocklog.query;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.events.Checks;
import io.stocklog.http.HttpPlumbing;
import io.stocklog.http.Problem;
import io.stocklog.http.Readiness;
import io.stocklog.http.Replies;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.readmodel.OrderRow;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelUnavailableException;
import io.stocklog.readmodel.ReservationRow;
import io.stocklog.readmodel.SkuRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service's HTTP surface. Handlers parse and validate, ask {@link StockReader}, and write JSON;
 * health, readiness (Postgres answers), metrics, the OpenAPI document and the mapping of every failure to
 * {@code application/problem+json} come with the shared {@link HttpPlumbing}, to which this adds only the
 * read model's outage: a 503 with {@code Retry-After}. Handlers run on virtual threads, so a read-your-writes
 * wait costs no platform thread.
 */
public final class QueryApp {

  private static final Logger log = LoggerFactory.getLogger(QueryApp.class);
  static final int MAX_IDS = 100;
  static final int MAX_WAIT_SECONDS = 30;
  // What the shared plumbing serves and logs under for this service (see HttpPlumbing.Settings).
  static final String OPENAPI = "openapi/query-service.json";
  static final String REQUEST_LOG = "io.stocklog.query.RequestLog";

  /** What a cache may do with a read-your-writes answer: nothing (see the README, "Caching"). */
  static final String NO_STORE = "no-store";
  /** A reservation is one shopper's: their browser may keep it and revalidate, a shared cache may not. */
  static final String PRIVATE = "private, no-cache";

  private final StockReader reader;
  private final SkuViews views;
  private final StockStream stream;
  private final ReadModelQueries queries;
  private final String stockCacheControl;
  private final Javalin app;

  QueryApp(StockReader reader, SkuViews views, StockStream stream, ReadModelQueries queries, int cacheMaxAgeSeconds,
      PrometheusMeterRegistry registry) {
    this.reader = reader;
    this.views = views;
    this.stream = stream;
    this.queries = queries;
    this.stockCacheControl = "public, max-age=" + cacheMaxAgeSeconds;
    // A stop lets the reads in flight finish, read-your-writes waits of up to 30 s included.
    HttpPlumbing.Settings settings = HttpPlumbing.Settings.of(REQUEST_LOG, OPENAPI, registry, this::readiness,
        Duration.ofSeconds(35));
    this.app = Javalin.create(config -> {
      HttpPlumbing.install(config, settings);
      routes(config);
    });
  }

  public Javalin javalin() {
    return app;
  }

  private void routes(JavalinConfig config) {
    HttpPlumbing.getAndHead(config, "/skus", this::skus);
    HttpPlumbing.getAndHead(config, "/skus/{sku}", this::sku);
    HttpPlumbing.getAndHead(config, "/skus/{sku}/reservations/{orderId}", this::reservation);
    HttpPlumbing.getAndHead(config, "/orders/{orderId}", this::order);
    config.routes.get("/skus/{sku}/stream", stream::handle);
    config.routes.exception(ReadModelUnavailableException.class, (e, ctx) -> {
      log.warn("Answering 503: {}", e.getMessage());
      Replies.problem(ctx, Problem.unavailable("the read model database is unavailable; retry shortly"));
    });
  }

  private void sku(Context ctx) {
    String sku = id(ctx.pathParam("sku"), "sku");
    QueryParams params = QueryParams.parse(ctx.queryString());
    Position min = minPosition(params, reader.partitions());
    Duration wait = waitFor(params);
    String cacheControl = readYourWrites(params, min) ? NO_STORE : stockCacheControl;
    List<String> ifNoneMatch = ifNoneMatch(ctx);
    if (min == null) {
      // A hot SKU, answered from what the watcher keeps current (as of its last round): no statement.
      Optional<SkuViews.Known> known = views.current(sku);
      if (known.isPresent()) {
        SkuViews.Known k = known.get();
        Freshness freshness = new Freshness(k.applied().position().map(Position::token).orElse(null), k.ageMs(),
            false);
        freshnessHeaders(ctx, freshness);
        String tag = EntityTags.of(k.row());
        if (ifNoneMatch != null && EntityTags.matchesAny(ifNoneMatch, tag)) {
          notModified(ctx, tag, cacheControl);
          return;
        }
        ctx.header("ETag", tag);
        ctx.header("Cache-Control", cacheControl);
        Replies.json(ctx, 200, StockJson.sku(k.row(), freshness));
        return;
      }
    }
    Reading<Optional<SkuRow>> reading = reader.sku(sku, min, wait);
    freshnessHeaders(ctx, reading.freshness());
    SkuRow row = reading.value().orElseThrow(() -> Problem.notFound(
        "sku " + sku + " is not in the read model" + behindNote(reading.freshness(), min)).toException());
    String tag = EntityTags.of(row);
    if (ifNoneMatch != null && EntityTags.matchesAny(ifNoneMatch, tag)) {
      notModified(ctx, tag, cacheControl);
      return;
    }
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", cacheControl);
    Replies.json(ctx, 200, StockJson.sku(row, reading.freshness()));
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
      found.add(StockJson.fieldsMap(row));
      missing.remove(row.sku());
    }
    String tag = EntityTags.ofMany(reading.value(), missing);
    String cacheControl = readYourWrites(params, min) ? NO_STORE : stockCacheControl;
    List<String> ifNoneMatch = ifNoneMatch(ctx);
    if (ifNoneMatch != null && EntityTags.matchesAny(ifNoneMatch, tag)) {
      notModified(ctx, tag, cacheControl);
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("skus", found);
    body.put("missing", missing);
    body.put("freshness", reading.freshness());
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", cacheControl);
    Replies.json(ctx, 200, body);
  }

  private void reservation(Context ctx) {
    String sku = id(ctx.pathParam("sku"), "sku");
    String orderId = id(ctx.pathParam("orderId"), "orderId");
    QueryParams params = QueryParams.parse(ctx.queryString());
    Position min = minPosition(params, reader.partitions());
    Reading<Optional<ReservationRow>> reading = reader.reservation(sku, orderId, min, waitFor(params));
    freshnessHeaders(ctx, reading.freshness());
    ReservationRow row = reading.value().orElseThrow(() -> Problem.notFound("reservation " + orderId
        + " of sku " + sku + " is not in the read model" + behindNote(reading.freshness(), min)).toException());
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
    String tag = EntityTags.of(row.position());
    String cacheControl = readYourWrites(params, min) ? NO_STORE : PRIVATE;
    List<String> ifNoneMatch = ifNoneMatch(ctx);
    if (ifNoneMatch != null && EntityTags.matchesAny(ifNoneMatch, tag)) {
      notModified(ctx, tag, cacheControl);
      return;
    }
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", cacheControl);
    Replies.json(ctx, 200, body);
  }

  private void order(Context ctx) {
    String orderId = id(ctx.pathParam("orderId"), "orderId");
    QueryParams params = QueryParams.parse(ctx.queryString());
    Position min = minPosition(params, reader.partitions());
    Reading<Optional<OrderRow>> reading = reader.order(orderId, min, waitFor(params));
    freshnessHeaders(ctx, reading.freshness());
    OrderRow row = reading.value().orElseThrow(() -> Problem.notFound("order " + orderId
        + " is not in the read model" + behindNote(reading.freshness(), min)).toException());
    String tag = EntityTags.of(row.position());
    // An order is one shopper's, as a reservation is.
    String cacheControl = readYourWrites(params, min) ? NO_STORE : PRIVATE;
    List<String> ifNoneMatch = ifNoneMatch(ctx);
    if (ifNoneMatch != null && EntityTags.matchesAny(ifNoneMatch, tag)) {
      notModified(ctx, tag, cacheControl);
      return;
    }
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", cacheControl);
    Replies.json(ctx, 200, OrderJson.order(row, reading.freshness()));
  }

  /** A request that names a write to wait for: its answer is for this caller at this moment only. */
  private static boolean readYourWrites(QueryParams params, Position min) {
    return min != null || params.single("wait") != null;
  }

  /** Every value of {@code If-None-Match} (it may come in several lines); null when there is none. */
  private static List<String> ifNoneMatch(Context ctx) {
    Enumeration<String> values = ctx.req().getHeaders("If-None-Match");
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    return Collections.list(values);
  }

  /**
   * A 304: no body, and the validator and caching headers a 200 would carry (RFC 9110 15.4.5), the freshness
   * headers included: a read-your-writes answer whose wait ran out is a 304 too when the caller holds the current
   * row, and says {@code X-Read-Model-Behind: true} (Javalin answers an exact tag match with a 304 itself anyway).
   */
  private static void notModified(Context ctx, String tag, String cacheControl) {
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", cacheControl);
    // The 200's type, not Javalin's default text/plain: a cache refreshes its stored headers from a 304
    // (RFC 9111 4.3.4), and would otherwise serve the JSON it holds as text.
    ctx.contentType(Replies.JSON);
    ctx.status(304);
  }

  /** Ready while Postgres answers within a second. */
  private Readiness readiness() {
    try {
      queries.ping(1);
      return Readiness.up(Map.of("postgres", "UP"));
    } catch (ReadModelUnavailableException e) {
      return Readiness.down("postgres does not answer: " + e.getMessage(), Map.of("postgres", "DOWN"));
    }
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
      throw Problem.badRequest(e.getMessage()).toException();
    }
  }

  static List<String> ids(String param) {
    if (param == null || param.isBlank()) {
      throw Problem.badRequest("ids is required: a comma-separated list of 1 to " + MAX_IDS + " SKUs").toException();
    }
    String[] parts = param.split(",", -1);
    if (parts.length > MAX_IDS) {
      throw Problem.badRequest("ids must list at most " + MAX_IDS + " SKUs (was " + parts.length + ")").toException();
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String part : parts) {
      if (!Checks.isId(part)) {
        throw Problem.badRequest("ids must be SKUs of 1 to 64 characters of [A-Za-z0-9._:-] separated by commas"
            + " (bad entry: \"" + (part.length() > 70 ? part.substring(0, 70) + "..." : part) + "\")").toException();
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
      throw Problem.badRequest("minPosition: " + e.getMessage()).toException();
    }
    if (position.partition() >= partitions) {
      throw Problem.badRequest("minPosition: partition " + position.partition() + " does not exist; the events"
          + " topic has " + partitions + " partitions, 0 to " + (partitions - 1) + " (was \"" + token + "\")")
          .toException();
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
          + " (was \"" + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "\")").toException();
    }
    return Duration.ofSeconds(Integer.parseInt(value));
  }
}
