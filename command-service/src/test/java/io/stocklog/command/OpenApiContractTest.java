package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderExtended;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.OrderLineDecided;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.http.OpenApiSpec;
import io.stocklog.http.OpenApiSpec.At;
import io.stocklog.http.OpenApiSpec.Operation;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.topics.TopicSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command service's OpenAPI document ({@code openapi/command-service.json}) against the running service
 * on a real broker, with a stand-in projector for outcomes: it is valid OpenAPI 3.1, it lists exactly the
 * routes the app serves, its examples are valid and accepted, and what the service answers is what it says.
 */
@WithInfra
class OpenApiContractTest {

  private static final String JSON = "application/json";
  private static final AtomicInteger UNIQUE = new AtomicInteger();

  private static OpenApiSpec spec;
  private static CommandService service;
  private static FakeProjector projector;
  private static Http http;

  @BeforeAll
  static void start(TestKafka kafka) {
    spec = OpenApiSpec.load(CommandApp.OPENAPI);
    TopicSettings topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    service = CommandService.start(
        TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics));
    projector = new FakeProjector(kafka, topics.events(), topics.outcomes(), OpenApiContractTest::decide,
        OpenApiContractTest::decideOrder);
    http = new Http(service.port(), TestTokens.OPERATOR);
  }

  @AfterAll
  static void stop() {
    projector.close();
    service.close();
  }

  @Test
  void theDocumentIsValidOpenApi31() {
    assertThat(spec.root.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(spec.root.at("/servers/0/url").asText()).isEqualTo("http://localhost:8081");
    assertThat(spec.parserMessages()).isEmpty();
  }

  @Test
  void theServiceServesTheDocumentAtOpenapiJson() throws Exception {
    Http.Answer answer = http.get("/openapi.json");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo(JSON);
    assertThat(answer.json()).isEqualTo(spec.root);
  }

  @Test
  void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() {
    spec.assertServedExactlyBy(service);
  }

  @Test
  void everyExampleIsValidAgainstItsSchema() {
    spec.assertEveryExampleValid(20);
  }

  static Stream<Arguments> requestExamples() {
    OpenApiSpec document = OpenApiSpec.load(CommandApp.OPENAPI);
    return document.operations().stream()
        .filter(op -> op.at().node().has("requestBody"))
        .flatMap(op -> document.requestExamples(op, JSON).entrySet().stream()
            .map(e -> Arguments.of(op, e.getKey(), e.getValue())));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("requestExamples")
  void everyRequestBodyExampleIsAcceptedAsDocumented(Operation op, String name, JsonNode example) {
    Http.Answer answer = http.post(spec.exampleUri(op, Map.of()), example.toString(), "Content-Type", JSON);

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("requestExamples")
  void withTheDocumentedPreferWaitEveryExampleGetsItsDocumentedOutcome(Operation op, String name,
      JsonNode example) {
    String id = "waited-" + UNIQUE.incrementAndGet();
    String uri = spec.exampleUri(op, Map.of("sku", id, "orderId", id));

    Http.Answer answer = http.post(uri, withOrderId(example, id), "Content-Type", JSON,
        "Prefer", spec.parameterExample(op, "Prefer"));

    assertThat(answer.status()).as("%s", answer).isIn(200, 201);
    assertThat(answer.header("Preference-Applied")).isEqualTo(spec.parameterExample(op, "Prefer"));
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("requestExamples")
  void aRejectionIsTheDocumented409WithItsReason(Operation op, String name, JsonNode example) {
    String id = "rejected-" + UNIQUE.incrementAndGet();
    String uri = spec.exampleUri(op, Map.of("sku", id, "orderId", id));

    Http.Answer answer = http.post(uri, withOrderId(example, id), "Content-Type", JSON, "Prefer", "wait=10");

    assertThat(answer.status()).as("%s", answer).isEqualTo(409);
    assertThat(answer.json().get("reason").asText()).isNotEmpty();
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  /** The example body, with its orderId (if it has one) replaced by {@code id}. */
  private static String withOrderId(JsonNode example, String id) {
    return example.toString().replaceAll("\"orderId\":\"[^\"]*\"", "\"orderId\":\"" + id + "\"");
  }

  @Test
  void anOrderWhoseConfirmCannotBeDecidedYetIsTheDocumented202() {
    Operation confirm = spec.operation("POST", "/orders/{orderId}/confirm");

    Http.Answer answer = http.post(spec.exampleUri(confirm, Map.of("orderId", "silent-" + UNIQUE.incrementAndGet())),
        null, "Prefer", "wait=1");

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(answer.header("Preference-Applied")).isEqualTo("wait=1");
    assertThat(spec.undocumented(confirm, answer.response())).isEmpty();
  }

  @Test
  void anIdReusedWithAnotherAmountIsTheDocumented409WithoutAppending() {
    Operation receipts = spec.operation("POST", "/skus/{sku}/receipts");
    String uri = spec.exampleUri(receipts, Map.of("sku", "reused-" + UNIQUE.incrementAndGet()));
    Http.Answer first = http.post(uri, "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", "wait=10");
    assertThat(first.status()).as("%s", first).isEqualTo(200);

    Http.Answer answer = http.post(uri, "{\"receiptId\":\"r-1\",\"quantity\":6}");

    assertThat(answer.status()).as("%s", answer).isEqualTo(409);
    assertThat(answer.json().get("reason").asText()).isEqualTo("ID_CONFLICT");
    assertThat(spec.undocumented(receipts, answer.response())).isEmpty();
  }

  /**
   * Bodies on each side of every rule the request schemas state: the schema and the service must agree on
   * each, valid and 202 or invalid and 400. (Not {@code 5.0}: JSON Schema counts it an integer, the
   * service does not; the document says so in words.)
   */
  static Stream<Arguments> bodiesAtTheEdges() {
    String receipts = "/skus/{sku}/receipts";
    String adjustments = "/skus/{sku}/adjustments";
    String reservations = "/skus/{sku}/reservations";
    String confirm = "/skus/{sku}/reservations/{orderId}/confirm";
    String extend = "/skus/{sku}/reservations/{orderId}/extend";
    String orders = "/orders";
    String line = "{\"sku\":\"s-1\",\"quantity\":1}";
    String sku64 = "{\"sku\":\"" + "s".repeat(64) + "\",\"quantity\":1000000000}";
    String orderExtend = "/orders/{orderId}/extend";
    return Stream.of(
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":1,\"lines\":[" + line + "]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":86401,\"lines\":[" + line + "]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":["
            + String.join(",", java.util.Collections.nCopies(100, sku64)) + "]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":["
            + String.join(",", java.util.Collections.nCopies(101, line)) + "]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"s-1\",\"quantity\":0}]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"s 1\",\"quantity\":1}]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"s-1\",\"quantity\":1,"
            + "\"price\":3}]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"s-1\"}]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[\"s-1\"]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":{\"sku\":\"s-1\",\"quantity\":1}}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"lines\":[" + line + "]}"),
        Arguments.of(orders, "{\"orderId\":\"ID\",\"holdSeconds\":600,\"lines\":[" + line + "],\"note\":\"x\"}"),
        Arguments.of(orderExtend, "{\"holdSeconds\":86400}"),
        Arguments.of(orderExtend, "{\"holdSeconds\":0}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":1}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":1000000000}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":1000000001}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":0}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":\"5\"}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\"}"),
        Arguments.of(receipts, "{\"receiptId\":\"ID\",\"quantity\":5,\"note\":\"x\"}"),
        Arguments.of(receipts, "{\"receiptId\":\"\",\"quantity\":5}"),
        Arguments.of(receipts, "{\"receiptId\":\"a b\",\"quantity\":5}"),
        Arguments.of(receipts, "{\"receiptId\":\"" + "x".repeat(64) + "\",\"quantity\":5}"),
        Arguments.of(receipts, "{\"receiptId\":\"" + "x".repeat(65) + "\",\"quantity\":5}"),
        Arguments.of(receipts, "{\"receiptId\":7,\"quantity\":5}"),
        Arguments.of(receipts, "[]"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":-1000000000,\"reason\":\"r\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":-1000000001,\"reason\":\"r\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":0,\"reason\":\"r\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1,\"reason\":\"" + "é".repeat(200) + "\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1,\"reason\":\"" + "é".repeat(201) + "\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1,\"reason\":\"\"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1,\"reason\":\"   \"}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1,\"reason\":3}"),
        Arguments.of(adjustments, "{\"adjustmentId\":\"ID\",\"delta\":1}"),
        Arguments.of(reservations, "{\"orderId\":\"ID\",\"quantity\":1,\"holdSeconds\":86400}"),
        Arguments.of(reservations, "{\"orderId\":\"ID\",\"quantity\":1,\"holdSeconds\":86401}"),
        Arguments.of(reservations, "{\"orderId\":\"ID\",\"quantity\":1,\"holdSeconds\":0}"),
        Arguments.of(reservations, "{\"orderId\":\"ID\",\"quantity\":1}"),
        Arguments.of(confirm, "{}"),
        Arguments.of(confirm, "{\"reason\":\"paid\"}"),
        Arguments.of(confirm, "[]"),
        Arguments.of(extend, "{\"holdSeconds\":1}"),
        Arguments.of(extend, "{\"holdSeconds\":86401}"),
        Arguments.of(extend, "{}"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("bodiesAtTheEdges")
  void theRequestSchemasAndTheServiceAgreeOnWhatIsValid(String path, String template) throws Exception {
    Operation op = spec.operation("POST", path);
    String id = "edge-" + UNIQUE.incrementAndGet();
    JsonNode body = Json.MAPPER.readTree(template.replace("\"ID\"", "\"" + id + "\""));
    At schema = spec.resolve(op.at().child("requestBody")).child("content").child(JSON).child("schema");
    List<String> violations = spec.violations(schema, body);

    Http.Answer answer = http.post(spec.exampleUri(op, Map.of("sku", "edges")), body.toString(),
        "Content-Type", JSON);

    assertThat(answer.status()).as("schema violations %s; service %s", violations, answer)
        .isEqualTo(violations.isEmpty() ? 202 : 400);
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  @Test
  void aPreferWaitOutOfRangeIsTheDocumented400() {
    Operation op = spec.operation("POST", "/skus/{sku}/receipts");

    Http.Answer answer = http.post(spec.exampleUri(op, Map.of()), "{\"receiptId\":\"r-9\",\"quantity\":1}",
        "Prefer", "wait=31");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  @Test
  void anOversizeBodyIsTheDocumented413() {
    Operation op = spec.operation("POST", "/skus/{sku}/adjustments");
    String body = "{\"adjustmentId\":\"a-9\",\"delta\":1,\"reason\":\"" + "x".repeat(20_000) + "\"}";

    Http.Answer answer = http.post(spec.exampleUri(op, Map.of()), body, "Content-Type", JSON);

    assertThat(answer.status()).isEqualTo(413);
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  static Stream<Operation> operationsWithoutParameters() {
    return OpenApiSpec.load(CommandApp.OPENAPI).operations().stream()
        .filter(op -> op.parameters().isEmpty() && !op.path().contains("{"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithoutParameters")
  void everyOperationalEndpointAnswersAsDocumented(Operation op) {
    Http.Answer answer = http.method(op.method(), op.path());

    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    assertThat(spec.undocumented(op, answer.response())).isEmpty();
  }

  @Test
  void anUnknownPathAndAWrongMethodAreTheDocumentedProblems() {
    Http.Answer unknown = http.get("/nowhere");
    Http.Answer wrongMethod = http.get("/skus/sku-1/receipts");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(spec.undocumented(spec.at("/components/responses/NotFound"), unknown.response())).isEmpty();
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
    assertThat(spec.undocumented(spec.at("/components/responses/MethodNotAllowed"), wrongMethod.response()))
        .isEmpty();
  }

  static Stream<Operation> commandOperations() {
    return OpenApiSpec.load(CommandApp.OPENAPI).operations().stream()
        .filter(op -> op.at().node().path("tags").toString().contains("\"commands\""));
  }

  /** The scopes the document lists for an operation: the roles of its bearer security requirements. */
  private static Set<String> documentedScopes(Operation op) {
    Set<String> scopes = new TreeSet<>();
    op.at().node().path("security").forEach(requirement -> {
      assertThat(requirement.fieldNames()).toIterable().as("%s security", op).containsExactly("bearerToken");
      requirement.get("bearerToken").forEach(role -> scopes.add(role.asText()));
    });
    return scopes;
  }

  @Test
  void everyCommandNeedsTheBearerSchemeAndDocuments401And403AndNothingElseDoes() {
    assertThat(spec.at("/components/securitySchemes/bearerToken").node().path("scheme").asText()).isEqualTo("bearer");
    assertThat(commandOperations()).hasSize(10);
    for (Operation op : spec.operations()) {
      boolean command = commandOperations().anyMatch(c -> c.route().equals(op.route()));
      if (!command) {
        assertThat(documentedScopes(op)).as("%s needs no token", op).isEmpty();
      } else {
        assertThat(documentedScopes(op)).as("%s scopes", op).contains("operator").isSubsetOf("orders", "stock", "operator");
        assertThat(spec.response(op, 401)).as("%s 401", op).isPresent();
        assertThat(spec.response(op, 403)).as("%s 403", op).isPresent();
      }
    }
  }

  /**
   * Every command, with no token, an unknown one and each test token: a 401, a 403 or the 202, exactly as the
   * scopes the document lists say, and every answer as documented.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("commandOperations")
  void theServiceEnforcesExactlyTheScopesTheDocumentLists(Operation op) {
    Set<String> documented = documentedScopes(op);
    JsonNode example = spec.requestExamples(op, JSON).values().iterator().next();
    Map<String, Set<String>> tokens = Map.of(
        TestTokens.ORDERS, Set.of("orders"), TestTokens.STOCK, Set.of("stock"),
        TestTokens.ORDERS_AND_STOCK, Set.of("orders", "stock"), TestTokens.OPERATOR, Set.of("operator"));

    Http.Answer none = new Http(service.port(), null).post(spec.exampleUri(op, Map.of()), example.toString(),
        "Content-Type", JSON);
    Http.Answer unknown = new Http(service.port(), TestTokens.UNKNOWN).post(spec.exampleUri(op, Map.of()),
        example.toString(), "Content-Type", JSON);

    assertThat(none.status()).as("%s", none).isEqualTo(401);
    assertThat(spec.undocumented(op, none.response())).isEmpty();
    assertThat(unknown.status()).as("%s", unknown).isEqualTo(401);
    assertThat(spec.undocumented(op, unknown.response())).isEmpty();
    tokens.forEach((token, scopes) -> {
      String id = "scoped-" + UNIQUE.incrementAndGet();
      String body = example.toString().replaceAll("\"(receiptId|adjustmentId|orderId)\":\"[^\"]*\"", "\"$1\":\"" + id + "\"");
      Http.Answer answer = new Http(service.port(), token).post(spec.exampleUri(op, Map.of("sku", id)), body,
          "Content-Type", JSON);
      boolean allowed = scopes.stream().anyMatch(documented::contains);

      assertThat(answer.status()).as("%s with scopes %s: %s", op, scopes, answer).isEqualTo(allowed ? 202 : 403);
      assertThat(spec.undocumented(op, answer.response())).isEmpty();
    });
  }

  /**
   * The stand-in projector's rules: each command is decided the way it succeeds, except on SKUs starting
   * "rejected", where it is rejected for a reason its route documents.
   */
  private static List<Outcome> decide(Event event) {
    if (!(event instanceof SkuEvent e)) {
      return List.of();
    }
    boolean reject = e.sku().startsWith("rejected");
    Instant at = e.occurredAt();
    Outcome outcome = switch (e) {
      case StockReceived r -> reject
          ? outcome(r, r.receiptId(), Decision.REJECTED, Reason.ID_CONFLICT, r.quantity(), null)
          : outcome(r, r.receiptId(), Decision.RECEIVED, null, r.quantity(), null);
      case StockAdjusted a -> reject
          ? outcome(a, a.adjustmentId(), Decision.REJECTED, Reason.INSUFFICIENT_STOCK, a.delta(), null)
          : outcome(a, a.adjustmentId(), Decision.ADJUSTED, null, a.delta(), null);
      case ReservationRequested r -> reject
          ? outcome(r, r.orderId(), Decision.REJECTED, Reason.OUT_OF_STOCK, r.quantity(), null)
          : outcome(r, r.orderId(), Decision.HELD, null, r.quantity(), at.plusSeconds(r.holdSeconds()));
      case ReservationConfirmed c -> reject
          ? outcome(c, c.orderId(), Decision.REJECTED, Reason.EXPIRED, 2, at.minusSeconds(1))
          : outcome(c, c.orderId(), Decision.CONFIRMED, null, 2, at.plusSeconds(60));
      case ReservationCancelled c -> reject
          ? outcome(c, c.orderId(), Decision.REJECTED, Reason.UNKNOWN_RESERVATION, 0, null)
          : outcome(c, c.orderId(), Decision.CANCELLED, null, 2, at.plusSeconds(60));
      case ReservationExtended x -> reject
          ? outcome(x, x.orderId(), Decision.REJECTED, Reason.EXPIRED, 2, at.minusSeconds(1))
          : outcome(x, x.orderId(), Decision.EXTENDED, null, 2, at.plusSeconds(x.holdSeconds()));
      case OrderLineCommand l -> throw new IllegalArgumentException("no route sends " + l.type());
    };
    return List.of(outcome);
  }

  /**
   * The stand-in coordinator's rules: an order is PENDING at once (which no caller is answered with), then HELD,
   * confirmed, cancelled or extended, except orders starting "rejected", which are refused for a reason their
   * route documents, and orders starting "silent", which are never decided.
   */
  private static List<OrderOutcome> decideOrder(OrderEvent e) {
    if (e.orderId().startsWith("silent")) {
      return List.of();
    }
    boolean reject = e.orderId().startsWith("rejected");
    Instant at = e.occurredAt();
    Instant until = at.plusSeconds(600);
    List<OrderOutcome.Line> held = List.of(new OrderOutcome.Line("A", 2, ReservationStatus.HELD, null, null));
    return switch (e) {
      case OrderPlaced p -> reject
          ? List.of(order(p, Decision.REJECTED, Reason.OUT_OF_STOCK, OrderStatus.REJECTED, null, List.of(
              new OrderOutcome.Line("A", 2, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 1L))))
          : List.of(order(p, Decision.HELD, null, OrderStatus.PENDING, null,
                  List.of(new OrderOutcome.Line("A", 2, null, null, null))),
              order(p, Decision.HELD, null, OrderStatus.HELD, until, held));
      case OrderConfirmed c -> reject
          ? List.of(order(c, Decision.REJECTED, Reason.EXPIRED, OrderStatus.EXPIRED, at.minusSeconds(1), List.of(
              new OrderOutcome.Line("A", 2, ReservationStatus.EXPIRED, null, null))))
          : List.of(order(c, Decision.CONFIRMED, null, OrderStatus.CONFIRMED, until, List.of(
              new OrderOutcome.Line("A", 2, ReservationStatus.CONFIRMED, null, null))));
      case OrderCancelled c -> reject
          ? List.of(order(c, Decision.REJECTED, Reason.UNKNOWN_ORDER, null, null, List.of()))
          : List.of(order(c, Decision.CANCELLED, null, OrderStatus.CANCELLED, until, List.of(
              new OrderOutcome.Line("A", 2, ReservationStatus.CANCELLED, null, null))));
      case OrderExtended x -> reject
          ? List.of(order(x, Decision.REJECTED, Reason.ALREADY_CONFIRMED, OrderStatus.CONFIRMED, until, List.of(
              new OrderOutcome.Line("A", 2, ReservationStatus.CONFIRMED, null, null))))
          : List.of(order(x, Decision.EXTENDED, null, OrderStatus.HELD, at.plusSeconds(x.holdSeconds()), held));
      case OrderLineDecided d -> throw new IllegalArgumentException("no route sends " + d.type());
    };
  }

  private static OrderOutcome order(OrderEvent e, Decision decision, Reason reason, OrderStatus status,
      Instant expiresAt, List<OrderOutcome.Line> lines) {
    return new OrderOutcome(e.eventId(), e.type(), e.orderId(), decision, reason, status, expiresAt, lines, false,
        e.occurredAt(), null);
  }

  private static Outcome outcome(SkuEvent e, String subject, Decision decision, Reason reason, long quantity,
      Instant expiresAt) {
    return new Outcome(e.eventId(), e.type(), e.sku(), subject, decision, reason, quantity, 100, 2, expiresAt,
        reason == Reason.ID_CONFLICT, e.occurredAt(), null);
  }
}
