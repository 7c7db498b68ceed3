package io.stocklog.command;

import static io.stocklog.command.CommandServiceTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.OrderPlaced;
import io.stocklog.http.OpenApiSpec;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Position;
import io.stocklog.projector.Projector;
import io.stocklog.projector.ProjectorConfig;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.HomePartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order routes over HTTP, decided by the real projector running in-process against a real broker: held (201),
 * rejected with every short line (409), lines of one SKU counted together, confirm, cancel and extend with each
 * refusal the coordinator gives, repeats answered by the coordinator, and the plain 202. Every answer of an order
 * route is held to the OpenAPI document. Each test uses SKUs and order IDs of its own.
 */
@WithInfra
class OrderRoutesTest {

  private static final int PARTITIONS = 3;
  private static final String WAIT = "wait=20";
  private static final AtomicInteger UNIQUE = new AtomicInteger();

  private static TestKafka kafka;
  private static TopicSettings topics;
  private static CommandService service;
  private static Projector projector;
  private static Path stateDir;
  private static Http http;
  private static OpenApiSpec spec;

  @BeforeAll
  static void start(TestKafka testKafka) throws Exception {
    kafka = testKafka;
    topics = TopicSettings.defaults().withPartitions(PARTITIONS)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    service = CommandService.start(TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics));
    stateDir = Files.createTempDirectory("order-routes");
    projector = Projector.start(new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("projector"),
        stateDir, Duration.ofMillis(200), Duration.ofDays(7), 1, Duration.ofMillis(100)));
    http = new Http(service.port(), TestTokens.ORDERS_AND_STOCK);
    spec = OpenApiSpec.load(CommandApp.OPENAPI);
  }

  @AfterAll
  static void stop() {
    projector.close();
    service.close();
  }

  private static String unique(String name) {
    return name + "-" + UNIQUE.incrementAndGet();
  }

  private static void receive(String sku, long quantity) {
    Http.Answer answer = http.post("/skus/" + sku + "/receipts",
        "{\"receiptId\":\"" + unique("r") + "\",\"quantity\":" + quantity + "}", "Prefer", WAIT);
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
  }

  private static String order(String orderId, int holdSeconds, String... skuAndQuantity) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      lines.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skuAndQuantity[i]).append("\",\"quantity\":")
          .append(skuAndQuantity[i + 1]).append('}');
    }
    return "{\"orderId\":\"" + orderId + "\",\"holdSeconds\":" + holdSeconds + ",\"lines\":[" + lines + "]}";
  }

  private static Http.Answer place(String body) {
    return documented("/orders", http.post("/orders", body, "Prefer", WAIT));
  }

  private static Http.Answer request(String orderId, String what, String body) {
    return documented("/orders/{orderId}/" + what, http.post("/orders/" + orderId + "/" + what, body, "Prefer", WAIT));
  }

  /** The answer, once held to what the OpenAPI document says the route answers. */
  private static Http.Answer documented(String route, Http.Answer answer) {
    assertThat(spec.undocumented(spec.operation("POST", route), answer.response())).as("%s", answer).isEmpty();
    return answer;
  }

  /** A held order of one unit of a fresh SKU of 5. */
  private static String heldOrder() {
    String sku = unique("held");
    receive(sku, 5);
    String orderId = unique("o");
    Http.Answer held = place(order(orderId, 600, sku, "1"));
    assertThat(held.status()).as("%s", held).isEqualTo(201);
    return orderId;
  }

  private static void assertRefused(Http.Answer answer, String reason, String orderStatus) {
    assertOrderRefusal(answer, "order");
    JsonNode json = answer.json();
    assertThat(json.get("decision").asText()).isEqualTo("REJECTED");
    assertThat(json.get("reason").asText()).isEqualTo(reason);
    if (orderStatus == null) {
      assertThat(json.has("status")).as("%s", answer).isFalse();
    } else {
      assertThat(json.get("status").asText()).as("the order's status, as the brief names it: %s", answer)
          .isEqualTo(orderStatus);
    }
    assertThat(answer.header("Preference-Applied")).isEqualTo(WAIT);
    Position.parse(json.get("position").asText());
  }

  /**
   * A 409 about an order: plain JSON (the brief puts the order's status under {@code status}, which a problem
   * reserves for the HTTP status), with a {@code detail} naming {@code named}.
   */
  static void assertOrderRefusal(Http.Answer answer, String named) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(409);
    assertThat(answer.contentType()).as("%s", answer).startsWith("application/json");
    assertThat(answer.json().has("type")).as("no problem members: %s", answer).isFalse();
    assertThat(answer.json().get("detail").asText()).as("detail of %s", answer).contains(named);
  }

  @Test
  void anOrderWhoseEveryLineIsHeldIs201WithTheOrderItsLinesAndThePositionOfItsDecision() {
    String a = unique("a");
    String b = unique("b");
    receive(a, 10);
    receive(b, 10);
    String orderId = unique("o");

    Http.Answer answer = place(order(orderId, 600, a, "2", b, "1"));

    assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.header("Preference-Applied")).isEqualTo(WAIT);
    JsonNode json = answer.json();
    assertThat(json.fieldNames()).toIterable().containsExactly("eventId", "position", "eventType", "orderId",
        "decision", "status", "duplicate", "expiresAt", "lines", "decidedAt");
    assertThat(json.get("orderId").asText()).isEqualTo(orderId);
    assertThat(json.get("eventType").asText()).isEqualTo("OrderPlaced");
    assertThat(json.get("decision").asText()).isEqualTo("HELD");
    assertThat(json.get("status").asText()).isEqualTo("HELD");
    assertThat(json.get("duplicate").asBoolean()).isFalse();
    Instant expiresAt = Instant.parse(json.get("expiresAt").asText());
    assertThat(expiresAt).isAfter(Instant.parse(json.get("decidedAt").asText()).plusSeconds(590));
    assertThat(json.get("lines").toString()).isEqualTo("[{\"sku\":\"" + a + "\",\"quantity\":2,\"status\":\"HELD\"},"
        + "{\"sku\":\"" + b + "\",\"quantity\":1,\"status\":\"HELD\"}]");
    // The OrderPlaced is in the log keyed by its order ID, where the default partitioner puts it; the position
    // answered is the record that decided the order (a line's report), in the same partition, after it.
    String eventId = json.get("eventId").asText();
    List<ConsumerRecord<String, byte[]>> placed = EventLog.readAll(kafka, topics.events()).stream()
        .filter(r -> EventLog.decode(r.value()).eventId().equals(eventId)).toList();
    assertThat(placed).hasSize(1);
    ConsumerRecord<String, byte[]> record = placed.getFirst();
    Event event = EventLog.decode(record.value());
    assertThat(event).isInstanceOfSatisfying(OrderPlaced.class, p -> {
      assertThat(p.orderId()).isEqualTo(orderId);
      assertThat(p.holdSeconds()).isEqualTo(600);
      assertThat(p.lines()).containsExactly(new OrderPlaced.Line(a, 2), new OrderPlaced.Line(b, 1));
    });
    assertThat(record.key()).isEqualTo(orderId);
    assertThat(record.partition()).isEqualTo(HomePartition.of(orderId, PARTITIONS));
    Position decidedAt = Position.parse(json.get("position").asText());
    assertThat(decidedAt.partition()).isEqualTo(record.partition());
    assertThat(decidedAt.offset()).isGreaterThan(record.offset());
  }

  @Test
  void anOrderWithAShortLineIs409RejectedListingEveryLineAndWhatTheShortOneHad() {
    String scarce = unique("scarce");
    String plenty = unique("plenty");
    receive(scarce, 3);
    receive(plenty, 10);
    String orderId = unique("o");

    Http.Answer answer = place(order(orderId, 600, scarce, "5", plenty, "10"));

    assertRefused(answer, "OUT_OF_STOCK", "REJECTED");
    JsonNode json = answer.json();
    assertThat(json.get("detail").asText()).contains(orderId, scarce, "3 available");
    assertThat(json.get("lines").toString()).isEqualTo("[{\"sku\":\"" + scarce + "\",\"quantity\":5,"
        + "\"status\":\"REJECTED\",\"reason\":\"OUT_OF_STOCK\",\"available\":3},"
        + "{\"sku\":\"" + plenty + "\",\"quantity\":10,\"status\":\"CANCELLED\"}]");
    assertThat(json.has("expiresAt")).isFalse();
    // All or nothing: the line that was held was released, so all ten units of it can be held again (the release
    // is appended with the decision, to another partition than the answer: it may land a moment after it).
    await().atMost(Duration.ofSeconds(10))
        .until(() -> place(order(unique("o"), 600, plenty, "10")).status() == 201);
  }

  @Test
  void linesOfOneSkuCountTogether() {
    String sku = unique("same");
    receive(sku, 3);

    Http.Answer answer = place(order(unique("o"), 600, sku, "2", sku, "2"));

    assertRefused(answer, "OUT_OF_STOCK", "REJECTED");
    assertThat(answer.json().get("lines").toString()).isEqualTo("[{\"sku\":\"" + sku + "\",\"quantity\":4,"
        + "\"status\":\"REJECTED\",\"reason\":\"OUT_OF_STOCK\",\"available\":3}]");
    Http.Answer fits = place(order(unique("o"), 600, sku, "1", sku, "2"));
    assertThat(fits.status()).as("%s", fits).isEqualTo(201);
    assertThat(fits.json().get("lines").toString())
        .isEqualTo("[{\"sku\":\"" + sku + "\",\"quantity\":3,\"status\":\"HELD\"}]");
  }

  @Test
  void aHeldOrderIsExtendedThenConfirmedWith200AndThenCannotBeCancelled() {
    String orderId = heldOrder();

    Http.Answer extended = request(orderId, "extend", "{\"holdSeconds\":3600}");
    assertThat(extended.status()).as("%s", extended).isEqualTo(200);
    assertThat(extended.json().get("decision").asText()).isEqualTo("EXTENDED");
    assertThat(extended.json().get("status").asText()).isEqualTo("HELD");
    assertThat(Instant.parse(extended.json().get("expiresAt").asText()))
        .isAfter(Instant.parse(extended.json().get("decidedAt").asText()).plusSeconds(3500));

    Http.Answer confirmed = request(orderId, "confirm", null);
    assertThat(confirmed.status()).as("%s", confirmed).isEqualTo(200);
    assertThat(confirmed.header("Preference-Applied")).isEqualTo(WAIT);
    assertThat(confirmed.json().get("decision").asText()).isEqualTo("CONFIRMED");
    assertThat(confirmed.json().get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(confirmed.json().get("eventType").asText()).isEqualTo("OrderConfirmed");
    assertThat(confirmed.json().get("lines").get(0).get("status").asText()).isEqualTo("CONFIRMED");

    Http.Answer again = request(orderId, "confirm", "{}");
    assertThat(again.status()).as("%s", again).isEqualTo(200);
    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    assertRefused(request(orderId, "cancel", null), "ALREADY_CONFIRMED", "CONFIRMED");
  }

  @Test
  void aCancelledOrderIs200AndThenCannotBeConfirmedOrExtended() {
    String orderId = heldOrder();

    Http.Answer cancelled = request(orderId, "cancel", null);
    assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
    assertThat(cancelled.json().get("decision").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");

    assertRefused(request(orderId, "confirm", null), "ALREADY_CANCELLED", "CANCELLED");
    assertRefused(request(orderId, "extend", "{\"holdSeconds\":60}"), "ALREADY_CANCELLED", "CANCELLED");
  }

  @Test
  void anUnknownOrderIsA409NeverA404AndARejectedOrderWasNeverHeld() {
    String never = unique("never-placed");
    for (String what : List.of("confirm", "cancel")) {
      Http.Answer answer = request(never, what, null);
      assertRefused(answer, "UNKNOWN_ORDER", null);
      assertThat(answer.json().get("orderId").asText()).isEqualTo(never);
      assertThat(answer.json().get("lines")).isEmpty();
    }
    assertRefused(request(never, "extend", "{\"holdSeconds\":60}"), "UNKNOWN_ORDER", null);

    String sku = unique("none-left");
    receive(sku, 1);
    String rejected = unique("o");
    assertThat(place(order(rejected, 600, sku, "2")).status()).isEqualTo(409);
    assertRefused(request(rejected, "cancel", null), "NOT_HELD", "REJECTED");
  }

  @Test
  void anOrderWhoseHoldRanOutIsRefusedExpired() {
    String sku = unique("short");
    receive(sku, 5);
    String orderId = unique("o");
    Http.Answer held = place(order(orderId, 1, sku, "1"));
    assertThat(held.status()).as("%s", held).isEqualTo(201);
    Instant expiresAt = Instant.parse(held.json().get("expiresAt").asText());
    // The confirm carries the command service's clock: once that is past the deadline, the order has expired.
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt.plusMillis(200)));

    Http.Answer confirm = request(orderId, "confirm", null);

    assertRefused(confirm, "EXPIRED", "EXPIRED");
    assertThat(confirm.json().get("lines").get(0).get("status").asText()).isEqualTo("EXPIRED");
  }

  @Test
  void theSameOrderAgainIsAnsweredWithItsFirstDecisionAndAnotherBodyUnderItsIdIs409() {
    String sku = unique("idem");
    receive(sku, 5);
    String orderId = unique("o");
    String body = order(orderId, 600, sku, "2");
    Http.Answer first = place(body);
    assertThat(first.status()).as("%s", first).isEqualTo(201);

    Http.Answer again = place(body);

    assertThat(again.status()).as("%s", again).isEqualTo(201);
    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    assertThat(again.json().get("decision").asText()).isEqualTo("HELD");
    assertThat(again.json().get("expiresAt")).isEqualTo(first.json().get("expiresAt"));
    assertThat(again.json().get("lines")).isEqualTo(first.json().get("lines"));
    // Only the first is held: 3 units remain, so a second order of 3 is held and one of 4 would not be.
    Http.Answer other = place(order(orderId, 600, sku, "3"));
    assertRefused(other, "ID_CONFLICT", "HELD");
    assertThat(other.json().get("duplicate").asBoolean()).isTrue();
    assertThat(other.json().get("detail").asText()).contains("different body");
    assertThat(place(order(unique("o"), 600, sku, "3")).status()).isEqualTo(201);

    String scarce = unique("idem-scarce");
    receive(scarce, 1);
    String rejected = order(unique("o"), 600, scarce, "2");
    Http.Answer no = place(rejected);
    Http.Answer noAgain = place(rejected);
    assertRefused(noAgain, "OUT_OF_STOCK", "REJECTED");
    assertThat(noAgain.json().get("duplicate").asBoolean()).isTrue();
    assertThat(noAgain.json().get("lines")).isEqualTo(no.json().get("lines"));
  }

  @Test
  void anOrdersIdIsTakenOnEachOfItsSkusAndItsLinesMoveOnlyWithIt() {
    String sku = unique("taken");
    receive(sku, 5);
    String orderId = unique("o");
    assertThat(place(order(orderId, 600, sku, "1")).status()).isEqualTo(201);

    Http.Answer reservation = http.post("/skus/" + sku + "/reservations",
        "{\"orderId\":\"" + orderId + "\",\"quantity\":1,\"holdSeconds\":600}", "Prefer", WAIT);
    Http.Answer lineConfirm = http.post("/skus/" + sku + "/reservations/" + orderId + "/confirm", null,
        "Prefer", WAIT);

    assertProblem(reservation, 409, orderId);
    assertThat(reservation.json().get("reason").asText()).isEqualTo("ID_CONFLICT");
    assertProblem(lineConfirm, 409, "order");
    assertThat(lineConfirm.json().get("reason").asText()).isEqualTo("ORDER_LINE");
    assertThat(spec.undocumented(spec.operation("POST", "/skus/{sku}/reservations/{orderId}/confirm"),
        lineConfirm.response())).isEmpty();
    // And a reservation's ID already taken on a SKU refuses that line of an order under it, so the order.
    String reserved = unique("o");
    assertThat(http.post("/skus/" + sku + "/reservations",
        "{\"orderId\":\"" + reserved + "\",\"quantity\":1,\"holdSeconds\":600}", "Prefer", WAIT).status())
        .isEqualTo(201);
    Http.Answer order = place(order(reserved, 600, sku, "1"));
    assertRefused(order, "ID_CONFLICT", "REJECTED");
    assertThat(order.json().at("/lines/0/reason").asText()).isEqualTo("ID_CONFLICT");
    assertThat(order.json().get("detail").asText()).contains("already has a reservation under this order ID");
  }

  @Test
  void withoutPreferWaitAnOrderIs202OnceAppended() {
    String orderId = unique("o");

    Http.Answer answer = documented("/orders", http.post("/orders", order(orderId, 600, unique("any"), "1")));

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(answer.json().fieldNames()).toIterable().containsExactly("eventId", "position", "status");
    assertThat(answer.json().get("status").asText()).isEqualTo("ACCEPTED");
    assertThat(answer.header("Preference-Applied")).isNull();
    Position position = Position.parse(answer.json().get("position").asText());
    assertThat(position.partition()).isEqualTo(HomePartition.of(orderId, PARTITIONS));
  }
}
