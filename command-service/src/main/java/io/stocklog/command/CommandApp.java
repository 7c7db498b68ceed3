package io.stocklog.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.command.CommandSubmitter.Accepted;
import io.stocklog.command.CommandSubmitter.Conflict;
import io.stocklog.command.CommandSubmitter.Decided;
import io.stocklog.command.CommandSubmitter.OrderDecided;
import io.stocklog.command.CommandSubmitter.Reply;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import io.stocklog.http.HttpPlumbing;
import io.stocklog.http.Problem;
import io.stocklog.http.Replies;
import io.stocklog.json.IsoInstants;
import io.stocklog.json.Json;
import io.stocklog.json.PlainJson;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP face of the command service: six SKU command routes and four order routes, each needing a bearer token
 * with its scope ({@link BearerAuth}); health, readiness, metrics and the OpenAPI document, open to all, come with
 * the shared {@link HttpPlumbing}, as do the body limit and the mapping of every error to
 * {@code application/problem+json}.
 * Handlers only read the request ({@link Commands}, {@link PreferWait}), hand the event to the
 * {@link CommandSubmitter} and write its {@link Reply}.
 *
 * <p>An order's answer ({@link #orderFields}) is the order as its coordinator decided it: the request's
 * {@code decision} (and {@code reason}), the order's {@code status}, {@code expiresAt} and its {@code lines}, one per
 * SKU (lines of one SKU summed), each with its status and, if refused, its reason and what was available. A refusal
 * is a 409 with the same members and a {@code detail} in words, as plain JSON rather than a problem: the brief's
 * contract puts the order's status under {@code status}, which a problem reserves for the HTTP status (RFC 9457).
 *
 * <p>Replies are written on a virtual thread of {@code responders}, never on the Kafka producer's or the
 * outcome follower's thread, which must stay free to move records; a failed submission is answered there by
 * the same mapping as every other error.
 */
final class CommandApp {

  // What the shared plumbing serves and logs under for this service (see HttpPlumbing.Settings).
  static final String OPENAPI = "openapi/command-service.json";
  static final String REQUEST_LOG = "io.stocklog.command.RequestLog";

  private final CommandSubmitter submitter;
  private final ExecutorService responders;
  private final Clock clock;
  private final BearerAuth auth;
  /** Set while the app is configured, before it serves a request. */
  private HttpPlumbing plumbing;
  private final Javalin javalin;

  CommandApp(CommandConfig config, CommandSubmitter submitter, KafkaReadiness readiness,
      PrometheusMeterRegistry metrics, ExecutorService responders, Clock clock) {
    this.submitter = submitter;
    this.responders = responders;
    this.clock = clock;
    this.auth = new BearerAuth(config.auth(), config.apiTokens());
    // A stop waits for the requests in flight: an append, or a wait of up to 30 s.
    HttpPlumbing.Settings settings = HttpPlumbing.Settings.of(REQUEST_LOG, OPENAPI, metrics, readiness::readiness,
        Duration.ofSeconds(35)).withMaxBodyBytes(config.maxBodyBytes());
    this.javalin = Javalin.create(c -> {
      c.jetty.port = config.httpPort();
      plumbing = HttpPlumbing.install(c, settings);
      routes(c);
    });
  }

  Javalin javalin() {
    return javalin;
  }

  private void routes(JavalinConfig c) {
    // Each command route checks its caller's token (BearerAuth) before it reads the body; an unknown route or
    // method is still a 404 or 405, for no route's check runs then.
    post(c, "/skus/{sku}/receipts", Scope.STOCK, ctx ->
        submit(ctx, Commands.receipt(ctx.pathParam("sku"), jsonBody(ctx), clock.instant())));
    // An adjustment changes stock by decree (shrinkage, recounts): an operator's action.
    post(c, "/skus/{sku}/adjustments", Scope.OPERATOR, ctx ->
        submit(ctx, Commands.adjustment(ctx.pathParam("sku"), jsonBody(ctx), clock.instant())));
    post(c, "/skus/{sku}/reservations", Scope.ORDERS, ctx ->
        submit(ctx, Commands.reservation(ctx.pathParam("sku"), jsonBody(ctx), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/confirm", Scope.ORDERS, ctx -> submit(ctx,
        Commands.confirm(ctx.pathParam("sku"), ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/cancel", Scope.ORDERS, ctx -> submit(ctx,
        Commands.cancel(ctx.pathParam("sku"), ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
    post(c, "/skus/{sku}/reservations/{orderId}/extend", Scope.ORDERS, ctx -> submit(ctx,
        Commands.extend(ctx.pathParam("sku"), ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
    // Orders of several lines, keyed by order ID: the same scope as a reservation, which is a one-line order.
    post(c, "/orders", Scope.ORDERS, ctx -> submitOrder(ctx, Commands.order(jsonBody(ctx), clock.instant())));
    post(c, "/orders/{orderId}/confirm", Scope.ORDERS, ctx ->
        submitOrder(ctx, Commands.orderConfirm(ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
    post(c, "/orders/{orderId}/cancel", Scope.ORDERS, ctx ->
        submitOrder(ctx, Commands.orderCancel(ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
    post(c, "/orders/{orderId}/extend", Scope.ORDERS, ctx ->
        submitOrder(ctx, Commands.orderExtend(ctx.pathParam("orderId"), jsonBody(ctx), clock.instant())));
  }

  /**
   * The request's body. One that is not empty must say it is JSON ({@code Content-Type: application/json}, any
   * parameters), or it is refused with a 415 before it is parsed: a form or a text someone meant as something
   * else is not guessed at. An empty body (confirm, cancel) needs no type.
   */
  static byte[] jsonBody(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return body;
    }
    String type = ctx.header("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new Problem(415, "the body must be JSON, sent with Content-Type: application/json ("
          + (type == null ? "no Content-Type was sent" : "was '" + abbreviate(type) + "'") + ")")
          .withHeader("Accept", "application/json").toException();
    }
    return body;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
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
    answer(ctx, submitter.submit(event, wait));
  }

  private void submitOrder(Context ctx, OrderEvent event) {
    Optional<PreferWait> wait = PreferWait.parse(Collections.list(ctx.req().getHeaders("Prefer")));
    answer(ctx, submitter.submitOrder(event, wait));
  }

  private void answer(Context ctx, CompletableFuture<Reply> submitted) {
    ctx.future(() -> submitted.handleAsync((reply, error) -> {
      if (error != null) {
        plumbing.answer(ctx, error);
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
        byte[] plain = PlainJson.object()
            .string("eventId", a.eventId())
            .string("position", a.position().token())
            .string("status", "ACCEPTED")
            .bytes();
        if (plain != null) {
          Replies.json(ctx, 202, plain);
        } else {
          Replies.json(ctx, 202, Json.MAPPER.createObjectNode()
              .put("eventId", a.eventId())
              .put("position", a.position().token())
              .put("status", "ACCEPTED"));
        }
      }
      case Decided d -> {
        d.waited().ifPresent(w -> ctx.header("Preference-Applied", w.applied()));
        Outcome o = d.outcome();
        byte[] plain = o.decision() == Decision.REJECTED ? null : plainOutcomeFields(d);
        if (plain != null) {
          Replies.json(ctx, o.decision() == Decision.HELD ? 201 : 200, plain);
          return;
        }
        ObjectNode body = outcomeFields(d);
        switch (o.decision()) {
          case HELD -> Replies.json(ctx, 201, body);
          case RECEIVED, ADJUSTED, CONFIRMED, CANCELLED, EXTENDED, EXPIRED -> Replies.json(ctx, 200, body);
          case REJECTED -> Replies.problem(ctx, new Problem(409, Rejections.describe(o)).with(members(body)));
        }
      }
      case OrderDecided d -> {
        d.waited().ifPresent(w -> ctx.header("Preference-Applied", w.applied()));
        OrderOutcome o = d.outcome();
        if (o.decision() == Decision.REJECTED) {
          // Plain JSON, not a problem: the brief's 409 carries the order's status as "status", as every order answer.
          Replies.json(ctx, 409, orderFields(d).put("detail", Rejections.describe(o)));
        } else {
          // HELD answers a placing (201: the order now holds stock); CONFIRMED, CANCELLED, EXTENDED the others.
          Replies.json(ctx, o.decision() == Decision.HELD ? 201 : 200, orderFields(d));
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
        Replies.problem(ctx, new Problem(409, Rejections.conflict(first, c.amount())).with(members(body)));
      }
    }
  }

  /** {@link #outcomeFields} written straight to bytes (the same bytes), or null when a string needs escaping. */
  static byte[] plainOutcomeFields(Decided d) {
    Outcome o = d.outcome();
    PlainJson body = PlainJson.object()
        .string("eventId", d.eventId())
        .string("position", d.position().token())
        .string("eventType", o.eventType())
        .string("sku", o.sku())
        .string("subjectId", o.subjectId())
        .string("decision", o.decision().name());
    if (o.reason() != null) {
      body.string("reason", o.reason().name());
    }
    body.bool("duplicate", o.duplicate())
        .number("quantity", o.quantity())
        .number("onHand", o.onHand())
        .number("reserved", o.reserved())
        .number("available", o.available());
    if (o.expiresAt() != null) {
      body.string("expiresAt", IsoInstants.format(o.expiresAt()));
    }
    return body.string("decidedAt", IsoInstants.format(o.decidedAt())).bytes();
  }

  static ObjectNode outcomeFields(Decided d) {
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

  /**
   * An order's decision as answered: the request ({@code eventId}, {@code position}, {@code eventType}), the order
   * ({@code orderId}), what the request got ({@code decision}, {@code reason}), the order's {@code status}, {@code duplicate}, {@code expiresAt}, its {@code lines}, {@code decidedAt}. Absent values
   * are left out, as in a reservation's answer.
   */
  static ObjectNode orderFields(OrderDecided d) {
    OrderOutcome o = d.outcome();
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("eventId", d.eventId())
        .put("position", d.position().token())
        .put("eventType", o.eventType())
        .put("orderId", o.orderId())
        .put("decision", o.decision().name());
    if (o.reason() != null) {
      body.put("reason", o.reason().name());
    }
    if (o.status() != null) {
      body.put("status", o.status().name());
    }
    body.put("duplicate", o.duplicate());
    if (o.expiresAt() != null) {
      body.put("expiresAt", o.expiresAt().toString());
    }
    ArrayNode lines = body.putArray("lines");
    for (OrderOutcome.Line l : o.lines()) {
      ObjectNode line = lines.addObject().put("sku", l.sku()).put("quantity", l.quantity());
      if (l.status() != null) {
        line.put("status", l.status().name());
      }
      if (l.reason() != null) {
        line.put("reason", l.reason().name());
      }
      if (l.available() != null) {
        line.put("available", l.available());
      }
    }
    body.put("decidedAt", o.decidedAt().toString());
    return body;
  }

  /** The outcome's fields as a 409's extension members, in their order. */
  private static Map<String, Object> members(ObjectNode fields) {
    Map<String, Object> members = new LinkedHashMap<>();
    fields.properties().forEach(e -> members.put(e.getKey(), e.getValue()));
    return members;
  }
}
