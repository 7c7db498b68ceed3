package io.stocklog.query;

import static io.stocklog.query.QueryServiceTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.stocklog.http.OpenApiSpec;
import io.stocklog.http.OpenApiSpec.At;
import io.stocklog.http.OpenApiSpec.Operation;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.readmodel.ReadModelWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The query service's OpenAPI document ({@code openapi/query-service.json}) against the running service on a
 * real Postgres read model, seeded with what the document's examples name: it is valid OpenAPI 3.1, it lists
 * exactly the routes the app serves, its examples are valid and never a 400, and what the service answers is
 * what it says.
 */
@WithInfra
class OpenApiContractTest {

  private static final int PARTITIONS = 12;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static OpenApiSpec spec;
  private static QueryService service;

  @BeforeAll
  static void start(TestDatabase db) throws Exception {
    spec = OpenApiSpec.load(QueryApp.OPENAPI);
    service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 2, PARTITIONS));
    // The SKUs, the reservation and the position the examples name, so that reading them finds something.
    Operation sku = spec.operation("GET", "/skus/{sku}");
    String apple = spec.parameterExample(sku, "sku");
    Operation reservation = spec.operation("GET", "/skus/{sku}/reservations/{orderId}");
    String orderId = spec.parameterExample(reservation, "orderId");
    Position min = Position.parse(spec.parameterExample(sku, "minPosition"));
    SkuPartitioner partitioner = new SkuPartitioner(PARTITIONS);
    int p = partitioner.partitionOf(apple);
    Instant expires = Instant.parse("2026-01-01T00:10:00Z");
    ReadModelWriter writer = new ReadModelWriter(db.dataSource());
    writer.apply(List.of(
        outcome(apple, "r-1", Decision.RECEIVED, null, 10, 10, 0, null, p, 1),
        outcome(apple, orderId, Decision.HELD, null, 3, 10, 3, expires, p, 2)));
    for (String other : spec.parameterExample(spec.operation("GET", "/skus"), "ids").split(",")) {
      if (!other.equals(apple)) {
        writer.apply(List.of(outcome(other, "r-" + other, Decision.RECEIVED, null, 4, 4, 0, null,
            partitioner.partitionOf(other), 3)));
      }
    }
    writer.apply(List.of(outcome("filler", "r-filler", Decision.RECEIVED, null, 1, 1, 0, null,
        min.partition(), Math.max(min.offset(), 4))));
    // The order the examples name, held; another rejected, each in its order ID's partition.
    String cart = spec.parameterExample(spec.operation("GET", "/orders/{orderId}"), "orderId");
    writer.apply(List.of(), List.of(
        new OrderOutcome("e-cart", "OrderLineDecided", cart, Decision.HELD, null, OrderStatus.HELD, expires,
            List.of(new OrderOutcome.Line(apple, 2, ReservationStatus.HELD, null, null)), false,
            Instant.parse("2026-01-01T00:00:05Z"), new Position(partitioner.partitionOf(cart), 5).token()),
        new OrderOutcome("e-short", "OrderLineDecided", "cart-short", Decision.REJECTED, Reason.OUT_OF_STOCK,
            OrderStatus.REJECTED, null, List.of(new OrderOutcome.Line(apple, 2, ReservationStatus.CANCELLED, null, null),
                new OrderOutcome.Line("pear", 9, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 4L)), false,
            Instant.parse("2026-01-01T00:00:06Z"), new Position(partitioner.partitionOf("cart-short"), 6).token()),
        new OrderOutcome("e-pending", "OrderPlaced", "cart-pending", Decision.PENDING, null, OrderStatus.PENDING,
            null, List.of(new OrderOutcome.Line(apple, 1, null, null, null)), false,
            Instant.parse("2026-01-01T00:00:07Z"), new Position(partitioner.partitionOf("cart-pending"), 7).token())));
    // The held order's line on apple, prepared to be confirmed: a reservation row whose status is PREPARED.
    writer.apply(List.of(new Outcome("l-cart", "OrderLinePrepared", apple, cart, Decision.PREPARED, null, 2, 10, 5,
        null, false, Instant.parse("2026-01-01T00:00:08Z"), new Position(p, 8).token())));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void theDocumentIsValidOpenApi31() {
    assertThat(spec.root.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(spec.root.at("/servers/0/url").asText()).isEqualTo("http://localhost:8082");
    assertThat(spec.parserMessages()).isEmpty();
  }

  @Test
  void theServiceServesTheDocumentAtOpenapiJson() throws Exception {
    HttpResponse<String> answer = send("GET", "/openapi.json");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(Json.MAPPER.readTree(answer.body())).isEqualTo(spec.root);
  }

  @Test
  void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() {
    spec.assertServedExactlyBy(service);
  }

  @Test
  void everyExampleIsValidAgainstItsSchema() {
    spec.assertEveryExampleValid(15);
  }

  /** Every operation but the stream, which never ends by itself (StockStreamTest holds it to the document). */
  static Stream<Operation> operations() {
    return OpenApiSpec.load(QueryApp.OPENAPI).operations().stream()
        .filter(op -> !op.path().endsWith("/stream"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void everyOperationWithTheDocumentedParameterExamplesAnswersAsDocumentedAndNever400(Operation op)
      throws Exception {
    HttpResponse<String> answer = send(op.method(), spec.exampleUri(op, Map.of()));

    assertThat(answer.statusCode()).as("%s %s", answer, answer.body()).isIn(200, 404);
    assertThat(spec.undocumented(op, answer)).isEmpty();
  }

  @Test
  void whatTheReadModelDoesNotHoldIsTheDocumented404() throws Exception {
    Operation sku = spec.operation("GET", "/skus/{sku}");
    Operation reservation = spec.operation("GET", "/skus/{sku}/reservations/{orderId}");

    HttpResponse<String> noSku = send("GET", spec.exampleUri(sku, Map.of("sku", "ghost")));
    HttpResponse<String> noReservation = send("GET", spec.exampleUri(reservation, Map.of("orderId", "o-404")));

    assertThat(noSku.statusCode()).isEqualTo(404);
    assertThat(spec.undocumented(sku, noSku)).isEmpty();
    assertThat(noReservation.statusCode()).isEqualTo(404);
    assertThat(spec.undocumented(reservation, noReservation)).isEmpty();

    Operation order = spec.operation("GET", "/orders/{orderId}");
    HttpResponse<String> noOrder = send("GET", spec.exampleUri(order, Map.of("orderId", "cart-404")));
    assertThat(noOrder.statusCode()).isEqualTo(404);
    assertThat(spec.undocumented(order, noOrder)).isEmpty();
  }

  @Test
  void everyKindOfOrderAndAPreparedLineAnswerAsDocumented() throws Exception {
    Operation order = spec.operation("GET", "/orders/{orderId}");
    for (String id : List.of("cart-7", "cart-short", "cart-pending")) {
      HttpResponse<String> answer = send("GET", spec.exampleUri(order, Map.of("orderId", id)));

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(spec.undocumented(order, answer)).as(id).isEmpty();
    }
    Operation reservation = spec.operation("GET", "/skus/{sku}/reservations/{orderId}");
    HttpResponse<String> prepared = send("GET", spec.exampleUri(reservation, Map.of("orderId", "cart-7")));
    assertThat(prepared.statusCode()).as(prepared.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(prepared.body()).get("status").asText()).isEqualTo("PREPARED");
    assertThat(spec.undocumented(reservation, prepared)).isEmpty();
  }

  /**
   * Parameter values on each side of every rule the parameter schemas state: the schema and the service must
   * agree on each, valid and answered or invalid and a 400. (Not a partition past the topic's: the schema
   * cannot know the partition count; the document says so in words.)
   */
  static Stream<Arguments> parametersAtTheEdges() {
    String hundredIds = IntStream.range(0, 100).mapToObj(i -> "s" + i).collect(Collectors.joining(","));
    return Stream.of(
        Arguments.of("/skus/{sku}", "wait", "0"),
        Arguments.of("/skus/{sku}", "wait", "30"),
        Arguments.of("/skus/{sku}", "wait", "31"),
        Arguments.of("/skus/{sku}", "wait", "-1"),
        Arguments.of("/skus/{sku}", "wait", "1.5"),
        Arguments.of("/skus/{sku}", "wait", "soon"),
        Arguments.of("/skus/{sku}", "minPosition", "0-0"),
        Arguments.of("/skus/{sku}", "minPosition", "11-99999999999"),
        Arguments.of("/skus/{sku}", "minPosition", "3"),
        Arguments.of("/skus/{sku}", "minPosition", "3-"),
        Arguments.of("/skus/{sku}", "minPosition", "-3-1"),
        Arguments.of("/skus/{sku}", "minPosition", "a-b"),
        Arguments.of("/skus/{sku}", "sku", "A.b_c:D-9"),
        Arguments.of("/skus/{sku}", "sku", "x".repeat(64)),
        Arguments.of("/skus/{sku}", "sku", "x".repeat(65)),
        Arguments.of("/skus/{sku}", "sku", "bad$sku"),
        Arguments.of("/skus/{sku}/reservations/{orderId}", "orderId", "o.1:a_b-c"),
        Arguments.of("/skus/{sku}/reservations/{orderId}", "orderId", "o*1"),
        Arguments.of("/orders/{orderId}", "orderId", "cart.1:a_b-c"),
        Arguments.of("/orders/{orderId}", "orderId", "cart*1"),
        Arguments.of("/orders/{orderId}", "orderId", "x".repeat(65)),
        Arguments.of("/orders/{orderId}", "wait", "31"),
        Arguments.of("/orders/{orderId}", "minPosition", "3-"),
        Arguments.of("/skus", "ids", "apple"),
        Arguments.of("/skus", "ids", hundredIds),
        Arguments.of("/skus", "ids", hundredIds + ",s100"),
        Arguments.of("/skus", "ids", ""),
        Arguments.of("/skus", "ids", "apple,,pear"),
        Arguments.of("/skus", "ids", "apple,pe ar"));
  }

  @ParameterizedTest(name = "{0} {1}={2}")
  @MethodSource("parametersAtTheEdges")
  void theParameterSchemasAndTheServiceAgreeOnWhatIsValid(String path, String name, String value)
      throws Exception {
    Operation op = spec.operation("GET", path);
    At schema = spec.parameter(op, name).child("schema");
    List<String> violations = spec.violations(schema, asJson(spec.resolve(schema).node(), value));

    HttpResponse<String> answer = send("GET", spec.uri(op, Map.of(name, value)));

    assertThat(answer.statusCode() == 400).as("schema violations %s; service %s %s", violations, answer,
        answer.body()).isEqualTo(!violations.isEmpty());
    assertThat(spec.undocumented(op, answer)).isEmpty();
  }

  @Test
  void anUnknownPathAndAWrongMethodAreTheDocumentedProblems() throws Exception {
    HttpResponse<String> unknown = send("GET", "/nowhere");
    HttpResponse<String> wrongMethod = send("POST", "/skus/apple");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(spec.undocumented(spec.at("/components/responses/NotFound"), unknown)).isEmpty();
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow").orElseThrow().split(", "))
        .containsExactlyInAnyOrder("GET", "HEAD");
    assertThat(spec.undocumented(spec.at("/components/responses/MethodNotAllowed"), wrongMethod)).isEmpty();
  }

  /** A value as the parameter's schema sees it: an integer if it reads as one, an array of its parts, else text. */
  private static JsonNode asJson(JsonNode schema, String value) {
    return switch (schema.path("type").asText()) {
      case "integer" -> value.matches("-?[0-9]{1,18}")
          ? LongNode.valueOf(Long.parseLong(value)) : TextNode.valueOf(value);
      case "array" -> {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (String item : value.split(",", -1)) {
          items.add(item);
        }
        yield items;
      }
      default -> TextNode.valueOf(value);
    };
  }

  private static HttpResponse<String> send(String method, String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(40)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
