package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderExtended;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One command service against a real broker: what each route appends, and what it refuses. */
@WithInfra
class CommandServiceTest {

  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.123Z");
  private static final String ID_65 = "x".repeat(65);

  private static TestKafka kafka;
  private static TopicSettings topics;
  private static CommandService service;
  private static Http http;

  @BeforeAll
  static void start(TestKafka testKafka) {
    kafka = testKafka;
    topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    service = CommandService.start(
        TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics),
        Clock.fixed(NOW, ZoneOffset.UTC));
    http = new Http(service.port(), TestTokens.OPERATOR);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of("/skus/sku-1/receipts", "{\"receiptId\":\"r-1\",\"quantity\":100}",
            (Function<String, Event>) id -> new StockReceived(1, id, "sku-1", NOW, "r-1", 100)),
        Arguments.of("/skus/sku-2/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":-3,\"reason\":\"damaged\"}",
            (Function<String, Event>) id -> new StockAdjusted(1, id, "sku-2", NOW, "a-1", -3, "damaged")),
        Arguments.of("/skus/sku-3/reservations", "{\"orderId\":\"o-1\",\"quantity\":2,\"holdSeconds\":600}",
            (Function<String, Event>) id -> new ReservationRequested(1, id, "sku-3", NOW, "o-1", 2, 600)),
        Arguments.of("/skus/sku-4/reservations/o-2/confirm", null,
            (Function<String, Event>) id -> new ReservationConfirmed(1, id, "sku-4", NOW, "o-2")),
        Arguments.of("/skus/sku-5/reservations/o-3/confirm", "{}",
            (Function<String, Event>) id -> new ReservationConfirmed(1, id, "sku-5", NOW, "o-3")),
        Arguments.of("/skus/A.b_c:D-9/reservations/o-4/cancel", "",
            (Function<String, Event>) id -> new ReservationCancelled(1, id, "A.b_c:D-9", NOW, "o-4")),
        Arguments.of("/skus/sku-6/reservations/o-5/extend", "{\"holdSeconds\":300}",
            (Function<String, Event>) id -> new ReservationExtended(1, id, "sku-6", NOW, "o-5", 300)),
        Arguments.of("/orders", "{\"orderId\":\"o-9\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"A\",\"quantity\":2},"
            + "{\"sku\":\"B\",\"quantity\":1},{\"sku\":\"A\",\"quantity\":1}]}",
            (Function<String, Event>) id -> new OrderPlaced(1, id, "o-9", NOW, 600, List.of(
                new OrderPlaced.Line("A", 2), new OrderPlaced.Line("B", 1), new OrderPlaced.Line("A", 1)))),
        Arguments.of("/orders/o-10/confirm", null,
            (Function<String, Event>) id -> new OrderConfirmed(1, id, "o-10", NOW)),
        Arguments.of("/orders/o-11/cancel", "{}",
            (Function<String, Event>) id -> new OrderCancelled(1, id, "o-11", NOW)),
        Arguments.of("/orders/o-12/extend", "{\"holdSeconds\":300}",
            (Function<String, Event>) id -> new OrderExtended(1, id, "o-12", NOW, 300)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("commands")
  void eachRouteAppendsExactlyItsEventKeyedBySkuOrOrderIdAndAnswers202WithItsPosition(
      String path, String body, Function<String, Event> expected) throws Exception {
    Http.Answer answer = http.post(path, body, "Content-Type", "application/json");

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(answer.contentType()).startsWith("application/json");
    JsonNode json = answer.json();
    assertThat(json.fieldNames()).toIterable().containsExactly("eventId", "position", "status");
    assertThat(json.get("status").asText()).isEqualTo("ACCEPTED");
    String eventId = json.get("eventId").asText();
    Position position = Position.parse(json.get("position").asText());
    List<ConsumerRecord<String, byte[]>> withId = EventLog.readAll(kafka, topics.events()).stream()
        .filter(r -> EventLog.decode(r.value()).eventId().equals(eventId)).toList();
    assertThat(withId).as("records with event ID %s", eventId).hasSize(1);
    ConsumerRecord<String, byte[]> record = withId.getFirst();
    assertThat(new Position(record.partition(), record.offset())).isEqualTo(position);
    Event event = EventLog.decode(record.value());
    assertThat(event).isEqualTo(expected.apply(eventId));
    assertThat(record.key()).isEqualTo(event instanceof io.stocklog.events.OrderEvent o ? o.orderId()
        : ((io.stocklog.events.SkuEvent) event).sku());
    // Where Kafka's default partitioner puts the key: the projector dead-letters an order's record anywhere else.
    assertThat(record.partition()).isEqualTo(io.stocklog.verify.HomePartition.of(record.key(), 3));
  }

  /** The start of an order's body, up to its lines. */
  private static final String O = "{\"orderId\":\"o-1\",\"holdSeconds\":60,\"lines\":";

  static Stream<Arguments> badRequests() {
    String receipt = "{\"receiptId\":\"r-1\",\"quantity\":5}";
    return Stream.of(
        Arguments.of("/skus/bad$sku/receipts", receipt, "sku"),
        Arguments.of("/skus/bad%20sku/receipts", receipt, "sku"),
        Arguments.of("/skus/" + ID_65 + "/receipts", receipt, "sku"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"" + ID_65 + "\",\"quantity\":5}", "receiptId"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r 1\",\"quantity\":5}", "receiptId"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":7,\"quantity\":5}", "receiptId"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\"}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":0}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":-1}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":1e12}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":1000000000000}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":99999999999999999999999}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":\"5\"}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":1.5}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":null}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":5,\"quantity\":6}", "quantity"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":5,\"colour\":\"red\"}", "colour"),
        Arguments.of("/skus/s/receipts", "{\"receiptId\":\"r-1\",", "body"),
        Arguments.of("/skus/s/receipts", "receiptId=r-1&quantity=5", "body"),
        Arguments.of("/skus/s/receipts", "[{\"receiptId\":\"r-1\",\"quantity\":5}]", "body"),
        Arguments.of("/skus/s/receipts", "", "body"),
        Arguments.of("/skus/s/receipts", null, "body"),
        Arguments.of("/skus/s/receipts", "null", "body"),
        Arguments.of("/skus/s/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":0,\"reason\":\"audit\"}", "delta"),
        Arguments.of("/skus/s/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":-1000000001,\"reason\":\"x\"}", "delta"),
        Arguments.of("/skus/s/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":2,\"reason\":\"  \"}", "reason"),
        Arguments.of("/skus/s/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":2}", "reason"),
        Arguments.of("/skus/s/adjustments", "{\"adjustmentId\":\"a-1\",\"delta\":2,\"reason\":\""
            + "r".repeat(201) + "\"}", "reason"),
        Arguments.of("/skus/s/reservations", "{\"orderId\":\"o-1\",\"quantity\":1,\"holdSeconds\":0}", "holdSeconds"),
        Arguments.of("/skus/s/reservations", "{\"orderId\":\"o-1\",\"quantity\":1,\"holdSeconds\":86401}", "holdSeconds"),
        Arguments.of("/skus/s/reservations", "{\"quantity\":1,\"holdSeconds\":60}", "orderId"),
        Arguments.of("/skus/s/reservations/o!1/confirm", null, "orderId"),
        Arguments.of("/skus/s/reservations/" + ID_65 + "/cancel", null, "orderId"),
        Arguments.of("/skus/s/reservations/o-1/cancel", "{\"reason\":\"changed mind\"}", "reason"),
        Arguments.of("/skus/s/reservations/o-1/confirm", "[]", "body"),
        Arguments.of("/skus/s/reservations/o-1/extend", "{}", "holdSeconds"),
        Arguments.of("/skus/s/reservations/o-1/extend", "", "body"),
        Arguments.of("/skus/s/reservations/o-1/extend", "{\"holdSeconds\":86401}", "holdSeconds"),
        Arguments.of("/orders", "{\"holdSeconds\":60,\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
            "orderId is required"),
        Arguments.of("/orders", "{\"orderId\":\"o 1\",\"holdSeconds\":60,\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
            "orderId must be"),
        Arguments.of("/orders", "{\"orderId\":\"o-1\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}", "holdSeconds"),
        Arguments.of("/orders", "{\"orderId\":\"o-1\",\"holdSeconds\":86401,\"lines\":[{\"sku\":\"A\","
            + "\"quantity\":1}]}",
            "holdSeconds"),
        Arguments.of("/orders", "{\"orderId\":\"o-1\",\"holdSeconds\":\"60\",\"lines\":[{\"sku\":\"A\","
            + "\"quantity\":1}]}",
            "holdSeconds"),
        Arguments.of("/orders", "{\"orderId\":\"o-1\",\"holdSeconds\":60}", "lines is required"),
        Arguments.of("/orders", O + "[]}", "lines must be an array of 1 to 100"),
        Arguments.of("/orders", O + "{\"sku\":\"A\",\"quantity\":1}}",
            "lines must be an array"),
        Arguments.of("/orders", O + "["
            + String.join(",", java.util.Collections.nCopies(101, "{\"sku\":\"A\",\"quantity\":1}")) + "]}",
            "(was 101 lines)"),
        Arguments.of("/orders", O + "[{\"sku\":\"A\",\"quantity\":1},"
            + "{\"sku\":\"B\",\"quantity\":0}]}", "lines[1].quantity must be an integer between 1 and"),
        Arguments.of("/orders", O + "[{\"sku\":\"A\",\"quantity\":1.5}]}",
            "lines[0].quantity"),
        Arguments.of("/orders", O + "[{\"sku\":\"A\",\"quantity\":\"1\"}]}",
            "lines[0].quantity"),
        Arguments.of("/orders", O + "[{\"quantity\":1}]}",
            "lines[0].sku is required"),
        Arguments.of("/orders", O + "[{\"sku\":\"" + ID_65 + "\",\"quantity\":1}]}",
            "lines[0].sku must be 1 to 64 characters"),
        Arguments.of("/orders", O + "[{\"sku\":7,\"quantity\":1}]}",
            "lines[0].sku must be a string"),
        Arguments.of("/orders", O + "[{\"sku\":\"A\",\"quantity\":1,"
            + "\"price\":9}]}", "unknown field lines[0].price"),
        Arguments.of("/orders", O + "[\"A\"]}", "lines[0] must be an object"),
        Arguments.of("/orders", O + "[null]}", "lines[0] must be an object"),
        Arguments.of("/orders", O + "[{\"sku\":\"A\",\"quantity\":1}],"
            + "\"customer\":\"c-1\"}", "unknown field 'customer'"),
        Arguments.of("/orders", "{\"orderId\":\"o-1\",", "body"),
        Arguments.of("/orders", "[]", "body"),
        Arguments.of("/orders", "", "body"),
        Arguments.of("/orders/o!1/confirm", null, "orderId"),
        Arguments.of("/orders/" + ID_65 + "/cancel", null, "orderId"),
        Arguments.of("/orders/o-1/cancel", "{\"reason\":\"changed mind\"}", "reason"),
        Arguments.of("/orders/o-1/extend", "{}", "holdSeconds"),
        Arguments.of("/orders/o-1/extend", "{\"holdSeconds\":0}", "holdSeconds"),
        Arguments.of("/orders/o-1/extend", "", "body"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badRequests")
  void badInputIsA400ProblemNamingTheFieldAndAppendsNothing(String path, String body, String field) {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());

    Http.Answer answer = http.post(path, body, "Content-Type", "application/json");

    assertProblem(answer, 400, field);
    assertThat(EventLog.ends(kafka, topics.events())).as("end offsets after %s", path).isEqualTo(before);
  }

  @ParameterizedTest
  @MethodSource("badPreferences")
  void anInvalidWaitPreferenceIsA400NamingPreferAndAppendsNothing(String prefer) {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());

    Http.Answer answer = http.post("/skus/s/receipts", "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", prefer);

    assertProblem(answer, 400, "Prefer");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
  }

  static Stream<String> badPreferences() {
    return Stream.of("wait=31", "wait=-1", "wait=abc", "wait=1.5", "wait=", "respond-async, wait=99");
  }

  @Test
  void aBodyOverTheLimitIsA413ProblemAndAppendsNothing() {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());
    String huge = "{\"receiptId\":\"r-1\",\"quantity\":5,\"pad\":\"" + "x".repeat(1 << 20) + "\"}";

    Http.Answer answer = http.post("/skus/s/receipts", huge, "Content-Type", "application/json");

    assertProblem(answer, 413, "body");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
  }

  @Test
  void unknownRoutesAre404Problems() {
    assertProblem(http.post("/skus/s/teleport", "{}"), 404, "/skus/s/teleport");
    assertProblem(http.get("/nowhere"), 404, "/nowhere");
    assertProblem(http.post("/skus/s/reservations/o-1/confirm/again", null), 404, "/confirm/again");
  }

  @Test
  void aWrongMethodOnAKnownPathIsA405Problem() {
    assertProblem(http.get("/skus/s/receipts"), 405, "GET");
    assertProblem(http.method("PUT", "/skus/s/reservations/o-1/confirm"), 405, "PUT");
    assertProblem(http.method("DELETE", "/skus/s/reservations"), 405, "DELETE");
  }

  @Test
  void healthReadyAndMetricsAnswer() {
    Http.Answer health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");

    Http.Answer ready = http.get("/ready");
    assertThat(ready.status()).as("%s", ready).isEqualTo(200);
    assertThat(ready.json().at("/checks/kafka").asText()).isEqualTo("UP");

    http.post("/skus/metrics-sku/receipts", "{\"receiptId\":\"m-1\",\"quantity\":1}");
    Http.Answer metrics = http.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.response().body())
        .contains("jvm_memory_used_bytes")
        .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/skus/{sku}/receipts\",status=\"202\"}")
        .contains("stocklog_command_waiting");
  }

  @Test
  void appendsAreTimedToTheBrokersAnswerAndEveryAnswerCarriesARequestId() {
    Http.Answer given = http.post("/skus/timed-sku/receipts", "{\"receiptId\":\"t-1\",\"quantity\":1}",
        "X-Request-Id", "order-svc:42");
    Http.Answer made = http.post("/skus/timed-sku/receipts", "{\"receiptId\":\"t-2\",\"quantity\":0}");

    assertThat(given.status()).isEqualTo(202);
    assertThat(given.header("X-Request-Id")).isEqualTo("order-svc:42");
    assertThat(made.status()).isEqualTo(400);
    assertThat(made.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    assertThat(http.get("/metrics").response().body())
        .containsPattern("stocklog_append_seconds_count\\{outcome=\"ok\"} [1-9]")
        .contains("stocklog_append_seconds_count{outcome=\"failed\"} ")
        .contains("stocklog_append_seconds_bucket{outcome=\"ok\",le=");
  }

  @Test
  void concurrentCallersAreAllAcceptedAndEachEventIsInTheLogExactlyOnce() throws Exception {
    int clients = 200;
    int requestsEach = 10;
    List<Future<List<String>>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(threads.submit(() -> {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < requestsEach; i++) {
            Http.Answer answer = http.post("/skus/load-" + (client % 50) + "/receipts",
                "{\"receiptId\":\"c" + client + "-" + i + "\",\"quantity\":1}");
            assertThat(answer.status()).as("%s", answer).isEqualTo(202);
            ids.add(answer.json().get("eventId").asText());
          }
          return ids;
        }));
      }
    }
    List<String> accepted = new ArrayList<>();
    for (Future<List<String>> result : results) {
      accepted.addAll(result.get());
    }

    Map<String, Long> inLog = EventLog.readAll(kafka, topics.events()).stream()
        .map(r -> EventLog.decode(r.value()).eventId())
        .collect(Collectors.groupingBy(id -> id, HashMap::new, Collectors.counting()));
    assertThat(accepted).hasSize(clients * requestsEach).doesNotHaveDuplicates();
    assertThat(accepted).allSatisfy(id -> assertThat(inLog.get(id)).as("copies of %s", id).isEqualTo(1L));
    assertThat(Collections.max(inLog.values())).isEqualTo(1L);
  }

  static void assertProblem(Http.Answer answer, int status, String named) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(status);
    assertThat(answer.contentType()).as("%s", answer).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).as("detail of %s", answer).contains(named);
  }
}
