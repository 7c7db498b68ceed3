package io.stocklog.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.command.CommandSubmitter.Accepted;
import io.stocklog.command.CommandSubmitter.Conflict;
import io.stocklog.command.CommandSubmitter.Decided;
import io.stocklog.command.CommandSubmitter.Reply;
import io.stocklog.events.SkuEvent;
import io.stocklog.http.JettyDefaults;
import io.stocklog.http.OpenApiDocument;
import io.stocklog.http.ProblemErrorHandler;
import io.stocklog.http.RequestLog;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.io.EOFException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the command service: six command routes, each needing a bearer token with its scope
 * ({@link BearerAuth}), and health, readiness and metrics, open to all. Handlers only
 * read the request ({@link Commands}, {@link PreferWait}), hand the event to the {@link CommandSubmitter}
 * and write its {@link Reply}; every error becomes {@code application/problem+json} here, in one place.
 *
 * <p>Replies are written on a virtual thread of {@code responders}, never on the Kafka producer's or the
 * outcome follower's thread, which must stay free to move records.
 */
final class CommandApp {

  private static final Logger log = LoggerFactory.getLogger(CommandApp.class);
  static final String PROBLEM_JSON = "application/problem+json";
  static final String JSON = "application/json";
  /** How long a stop waits for requests in flight (an append, or a wait of up to 30 s). */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(35);
  /** The OpenAPI document, served at {@code GET /openapi.json}. */
  static final String OPENAPI = "openapi/command-service.json";
  /** The logger of the one line a request (see {@link RequestLog}). */
  static final String REQUEST_LOG = "io.stocklog.command.RequestLog";

  private final CommandSubmitter submitter;
  private final KafkaReadiness readiness;
  private final PrometheusMeterRegistry metrics;
  private final ExecutorService responders;
  private final Clock clock;
  private final int maxBodyBytes;
  private final BearerAuth auth;
  private final Javalin javalin;

  CommandApp(CommandConfig config, CommandSubmitter submitter, KafkaReadiness readiness,
      PrometheusMeterRegistry metrics, ExecutorService responders, Clock clock) {
    this.submitter = submitter;
    this.readiness = readiness;
    this.metrics = metrics;
    this.responders = responders;
    this.clock = clock;
    this.maxBodyBytes = config.maxBodyBytes();
    this.auth = new BearerAuth(config.auth(), config.apiTokens());
    this.javalin = Javalin.create(c -> configure(c, config));
  }

  Javalin javalin() {
    return javalin;
  }

  private void configure(JavalinConfig c, CommandConfig config) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.concurrency.useVirtualThreads = true;
    c.http.maxRequestSize = config.maxBodyBytes();
    c.http.prefer405over404 = true;
    c.jetty.port = config.httpPort();
    c.jetty.modifyServer(server -> {
      // On stop, refuse new requests and let those in flight finish (Javalin nests its handler inside);
      // queue a burst of new connections rather than drop them.
      JettyDefaults.apply(server, STOP_TIMEOUT);
      // What Jetty refuses before routing (bad URI, oversize headers) is a problem+json too, not HTML.
      server.setErrorHandler(new ProblemErrorHandler());
    });
    c.requestLogger.http(this::time);
    // First, so that a request refused by a later before handler still has its ID and its log line.
    RequestLog.install(c, REQUEST_LOG);
    // Refuse an oversize body by its declared length, before reading a byte of it; the unread body leaves
    // the connection unusable, so say it will close and no client reuses it.
    c.routes.before(ctx -> {
      if (ctx.req().getContentLengthLong() > maxBodyBytes) {
        ctx.header("Connection", "close");
        throw new Problem(413, tooLarge() + " (Content-Length: " + ctx.req().getContentLengthLong() + ")",
            Map.of()).toException();
      }
    });

    // Each command route checks its caller's token (BearerAuth) before it reads the body; an unknown route or
    // method is still a 404 or 405, for no route's check runs then.
    post(c, "/skus/{sku}/receipts", Scope.STOCK, ctx ->
        submit(ctx, Commands.receipt(ctx.pathParam("sku"), ctx.bodyAsBytes(), clock.instant())));
    // An adjustment changes stock by decree (shrinkage, recounts): an operator's action.
    post(c, "/skus/{sku}/adjustments", Scope.OPERATOR, ctx ->
        submit(ctx, Commands.adjustment(ctx.pathParam("sku"), ctx.bodyAsBytes(), clock.instant())));
    post(c, "/skus/{sku}/reservations", Scope.ORDERS, ctx ->
        submit(ctx, Commands.reservation(ctx.pathParam("sku"), ctx.bodyAsBytes(), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/confirm", Scope.ORDERS, ctx -> submit(ctx,
        Commands.confirm(ctx.pathParam("sku"), ctx.pathParam("orderId"), ctx.bodyAsBytes(), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/cancel", Scope.ORDERS, ctx -> submit(ctx,
        Commands.cancel(ctx.pathParam("sku"), ctx.pathParam("orderId"), ctx.bodyAsBytes(), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/extend", Scope.ORDERS, ctx -> submit(ctx,
        Commands.extend(ctx.pathParam("sku"), ctx.pathParam("orderId"), ctx.bodyAsBytes(), clock.instant())));

    Handler health = ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP"));
    Handler scrape = ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    // HEAD is GET without the body (RFC 9110 9.3.2); Jetty drops the body and keeps the headers.
    c.routes.get("/health", health);
    c.routes.head("/health", health);
    c.routes.get("/ready", this::ready);
    c.routes.head("/ready", this::ready);
    c.routes.get("/metrics", scrape);
    c.routes.head("/metrics", scrape);
    c.routes.get("/openapi.json", OpenApiDocument.handler(OPENAPI));

    c.routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, e.problem(), null));
    c.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, fromJavalin(e, ctx), null));
    c.routes.exception(Exception.class, (e, ctx) -> {
      Optional<Problem> unreadable = unreadable(e, ctx);
      if (unreadable.isPresent()) {
        log.debug("unreadable request {} {}: {}", ctx.method(), ctx.path(), e.toString());
        problem(ctx, unreadable.get(), null);
        return;
      }
      log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
      problem(ctx, new Problem(500, "unexpected error on the server; it has been logged", Map.of()), null);
    });
  }

  /** A command route: the caller must hold {@code scope} (or be let in by the auth mode) before {@code handler} runs. */
  private void post(JavalinConfig c, String path, Scope scope, Handler handler) {
    String route = "POST " + path;
    c.routes.post(path, ctx -> {
      Optional<Problem> refused = auth.refusal(Collections.list(ctx.req().getHeaders("Authorization")),
          ctx.req().getRemoteAddr(), scope, route);
      if (refused.isPresent()) {
        throw refused.get().toException();
      }
      handler.handle(ctx);
    });
  }

  private void submit(Context ctx, SkuEvent event) {
    // Parsed before the event is appended: a bad header must not leave an event behind.
    Optional<PreferWait> wait = PreferWait.parse(Collections.list(ctx.req().getHeaders("Prefer")));
    ctx.future(() -> submitter.submit(event, wait).handleAsync((reply, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProblemException p) {
          problem(ctx, p.problem(), null);
        } else {
          log.error("unexpected error appending {}", event.eventId(), cause);
          problem(ctx, new Problem(500, "unexpected error on the server; it has been logged", Map.of()), null);
        }
      } else {
        reply(ctx, reply);
      }
      return null;
    }, responders));
  }

  private static void reply(Context ctx, Reply reply) {
    switch (reply) {
      case Accepted a -> {
        a.waited().ifPresent(w -> ctx.header("Preference-Applied", w.applied()));
        json(ctx, 202, Json.MAPPER.createObjectNode()
            .put("eventId", a.eventId())
            .put("position", a.position().token())
            .put("status", "ACCEPTED"));
      }
      case Decided d -> {
        d.waited().ifPresent(w -> ctx.header("Preference-Applied", w.applied()));
        ObjectNode body = outcomeFields(d);
        Outcome o = d.outcome();
        switch (o.decision()) {
          case HELD -> json(ctx, 201, body);
          case RECEIVED, ADJUSTED, CONFIRMED, CANCELLED, EXTENDED, EXPIRED -> json(ctx, 200, body);
          case REJECTED -> problem(ctx, new Problem(409, Rejections.describe(o), Map.of()), body);
        }
      }
      case Conflict c -> {
        // The first use's event and position: nothing new was appended, and its position is the one to read at.
        Outcome first = c.first();
        ObjectNode body = Json.MAPPER.createObjectNode()
            .put("eventId", first.eventId())
            .put("position", first.position())
            .put("eventType", first.eventType())
            .put("sku", first.sku())
            .put("subjectId", first.subjectId())
            .put("decision", "REJECTED")
            .put("reason", Reason.ID_CONFLICT.name())
            .put("duplicate", true)
            .put("quantity", first.quantity());
        problem(ctx, new Problem(409, Rejections.conflict(first, c.amount()), Map.of()), body);
      }
    }
  }

  private static ObjectNode outcomeFields(Decided d) {
    Outcome o = d.outcome();
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("eventId", d.eventId())
        .put("position", d.position().token())
        .put("eventType", o.eventType())
        .put("sku", o.sku())
        .put("subjectId", o.subjectId())
        .put("decision", o.decision().name());
    if (o.reason() != null) {
      body.put("reason", o.reason().name());
    }
    body.put("duplicate", o.duplicate())
        .put("quantity", o.quantity())
        .put("onHand", o.onHand())
        .put("reserved", o.reserved())
        .put("available", o.available());
    if (o.expiresAt() != null) {
      body.put("expiresAt", o.expiresAt().toString());
    }
    body.put("decidedAt", o.decidedAt().toString());
    return body;
  }

  private void ready(Context ctx) {
    KafkaReadiness.Check kafka = readiness.check();
    ObjectNode checks = Json.MAPPER.createObjectNode().put("kafka", kafka.ready() ? "UP" : "DOWN");
    if (kafka.ready()) {
      json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP").set("checks", checks));
    } else {
      ObjectNode extra = Json.MAPPER.createObjectNode();
      extra.set("checks", checks);
      problem(ctx, new Problem(503, "kafka: " + kafka.problem(), Map.of("Retry-After", "1")), extra);
    }
  }

  /** Javalin's own refusals (no route, wrong method, body too large) as problems naming what was wrong. */
  private Problem fromJavalin(HttpResponseException e, Context ctx) {
    int status = e.getStatus() >= 400 && e.getStatus() <= 599 ? e.getStatus() : 500;
    String allowed = String.join(", ", e.getDetails().values());
    if (status == 405 && !allowed.isEmpty()) {
      ctx.header("Allow", allowed);
    }
    String detail = switch (status) {
      case 404 -> "no such resource: " + ctx.method() + " " + ctx.path();
      case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path()
          + (allowed.isEmpty() ? "" : "; allowed: " + allowed);
      case 413 -> tooLarge();
      default -> e.getMessage();
    };
    return new Problem(status, detail, Map.of());
  }

  private String tooLarge() {
    return "body is larger than the limit of " + maxBodyBytes + " bytes";
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

  static void problem(Context ctx, Problem p, ObjectNode extra) {
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("type", "about:blank")
        .put("title", HttpStatus.forStatus(p.status()).getMessage())
        .put("status", p.status())
        .put("detail", p.detail());
    if (extra != null) {
      body.setAll(extra);
    }
    p.headers().forEach(ctx::header);
    write(ctx, p.status(), PROBLEM_JSON, body);
  }

  private static void json(Context ctx, int status, ObjectNode body) {
    write(ctx, status, JSON, body);
  }

  private static void write(Context ctx, int status, String contentType, ObjectNode body) {
    try {
      ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON reply", e);
    }
  }

  private void time(Context ctx, Float millis) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by route and status")
        .tag("method", ctx.method().name())
        .tag("route", RequestLog.route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(metrics)
        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }
}
