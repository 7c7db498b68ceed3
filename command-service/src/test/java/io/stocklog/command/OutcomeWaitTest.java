package io.stocklog.command;

import static io.stocklog.command.CommandServiceTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockReceived;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.topics.TopicSettings;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Prefer: wait=N} against a real broker, with a stand-in projector: outcomes map to 201/200/409,
 * a wait that runs out is a 202, expiry outcomes never answer a caller, and two instances each get their own
 * callers' outcomes.
 */
@WithInfra
class OutcomeWaitTest {

  private static TestKafka kafka;
  private static TopicSettings topics;
  private static CommandConfig config;
  private static CommandService first;
  private static CommandService second;
  private static FakeProjector projector;

  @BeforeAll
  static void start(TestKafka testKafka) {
    kafka = testKafka;
    topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    config = TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics);
    first = CommandService.start(config);
    second = CommandService.start(config);
    projector = new FakeProjector(kafka, topics.events(), topics.outcomes(), OutcomeWaitTest::decide);
  }

  @AfterAll
  static void stop() {
    projector.close();
    second.close();
    first.close();
  }

  /** First outcomes of reservations on "idem" SKUs, by SKU and order, to answer repeats as the projector does. */
  private static final Map<String, Outcome> decided = new ConcurrentHashMap<>();

  /**
   * The stand-in's rules: receipts are received; a reservation of up to 10 is held (after an expiry of some
   * other order caused by the same event, carrying its ID), more is out of stock; order "taken" is an ID
   * conflict; a confirm is confirmed; SKUs starting "silent" get no outcome at all. On SKUs starting "idem" a
   * repeated order ID gets the first outcome again marked duplicate, or an ID conflict for another quantity;
   * on "idem-slow" SKUs the first request of an order is decided only after a second.
   */
  private static List<Outcome> decide(Event event) {
    SkuEvent e = (SkuEvent) event;
    if (e.sku().startsWith("silent")) {
      return List.of();
    }
    if (e.sku().startsWith("idem") && e instanceof ReservationRequested r) {
      return List.of(decideOnce(r));
    }
    return switch (e) {
      case StockReceived r -> List.of(outcome(r, r.receiptId(), Decision.RECEIVED, null, r.quantity(), 50, 0));
      case ReservationRequested r when r.orderId().equals("taken") ->
          List.of(outcome(r, r.orderId(), Decision.REJECTED, Reason.ID_CONFLICT, r.quantity(), 50, 2));
      case ReservationRequested r when r.quantity() > 10 ->
          List.of(outcome(r, r.orderId(), Decision.REJECTED, Reason.OUT_OF_STOCK, r.quantity(), 12, 2));
      case ReservationRequested r -> List.of(
          outcome(r, "someone-else", Decision.EXPIRED, null, 1, 50, 0),
          outcome(r, r.orderId(), Decision.HELD, null, r.quantity(), 50, r.quantity()));
      case ReservationConfirmed c -> List.of(outcome(c, c.orderId(), Decision.CONFIRMED, null, 2, 48, 0));
      default -> List.of();
    };
  }

  private static Outcome decideOnce(ReservationRequested r) {
    Outcome first = decided.get(r.sku() + "/" + r.orderId());
    if (first == null) {
      if (r.sku().startsWith("idem-slow")) {
        sleep(Duration.ofSeconds(1));
      }
      first = outcome(r, r.orderId(), Decision.HELD, null, r.quantity(), 50, r.quantity());
      decided.put(r.sku() + "/" + r.orderId(), first);
      return first;
    }
    Outcome repeat = first.asDuplicate(r.eventId(), r.type(), r.occurredAt());
    return first.quantity() == r.quantity() ? repeat
        : new Outcome(repeat.eventId(), repeat.eventType(), repeat.sku(), repeat.subjectId(), Decision.REJECTED,
            Reason.ID_CONFLICT, first.quantity(), 50, first.quantity(), repeat.expiresAt(), true,
            repeat.decidedAt(), null);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Outcome outcome(SkuEvent e, String subject, Decision decision, Reason reason, long quantity,
      long onHand, long reserved) {
    boolean reservation = e instanceof ReservationRequested;
    return new Outcome(e.eventId(), e.type(), e.sku(), subject, decision, reason, quantity, onHand, reserved,
        reservation ? e.occurredAt().plusSeconds(600) : null, false, e.occurredAt(), null);
  }

  @Test
  void aHeldReservationIs201WithTheOutcome() {
    Http.Answer answer = new Http(first.port(), TestTokens.OPERATOR).post("/skus/w-1/reservations",
        "{\"orderId\":\"o-1\",\"quantity\":2,\"holdSeconds\":600}", "Prefer", "wait=10");

    assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    assertThat(answer.header("Preference-Applied")).isEqualTo("wait=10");
    JsonNode body = answer.json();
    assertThat(body.get("decision").asText()).isEqualTo("HELD");
    assertThat(body.get("subjectId").asText()).as("not the expiry of someone else").isEqualTo("o-1");
    assertThat(body.get("onHand").asLong()).isEqualTo(50);
    assertThat(body.get("reserved").asLong()).isEqualTo(2);
    assertThat(body.get("available").asLong()).isEqualTo(48);
    assertThat(body.get("duplicate").asBoolean()).isFalse();
    assertThat(body.hasNonNull("expiresAt")).isTrue();
    assertThat(body.get("eventId").asText()).isNotBlank();
    assertThat(body.get("position").asText()).matches("\\d+-\\d+");
  }

  @Test
  void receiptsAndConfirmsAre200() {
    Http http = new Http(first.port(), TestTokens.OPERATOR);
    Http.Answer received = http.post("/skus/w-2/receipts", "{\"receiptId\":\"r-1\",\"quantity\":50}", "Prefer", "wait=10");
    Http.Answer confirmed = http.post("/skus/w-2/reservations/o-1/confirm", null, "Prefer", "respond-async, wait=10");

    assertThat(received.status()).as("%s", received).isEqualTo(200);
    assertThat(received.json().get("decision").asText()).isEqualTo("RECEIVED");
    assertThat(confirmed.status()).as("%s", confirmed).isEqualTo(200);
    assertThat(confirmed.json().get("decision").asText()).isEqualTo("CONFIRMED");
    assertThat(confirmed.header("Preference-Applied")).isEqualTo("wait=10");
  }

  @Test
  void rejectionsAre409ProblemsWithTheReason() {
    Http http = new Http(first.port(), TestTokens.OPERATOR);
    Http.Answer outOfStock = http.post("/skus/w-3/reservations",
        "{\"orderId\":\"o-9\",\"quantity\":11,\"holdSeconds\":60}", "Prefer", "wait=10");
    Http.Answer conflict = http.post("/skus/w-3/reservations",
        "{\"orderId\":\"taken\",\"quantity\":1,\"holdSeconds\":60}", "Prefer", "wait=10");

    assertProblem(outOfStock, 409, "out of stock");
    assertThat(outOfStock.json().get("reason").asText()).isEqualTo("OUT_OF_STOCK");
    assertThat(outOfStock.json().get("decision").asText()).isEqualTo("REJECTED");
    assertThat(outOfStock.json().get("available").asLong()).isEqualTo(10);
    assertProblem(conflict, 409, "taken");
    assertThat(conflict.json().get("reason").asText()).isEqualTo("ID_CONFLICT");
  }

  @Test
  void aWaitThatRunsOutIsThePlain202() {
    Http.Answer answer = new Http(first.port(), TestTokens.OPERATOR).post("/skus/silent-1/receipts",
        "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", "wait=1");

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(answer.json().get("status").asText()).isEqualTo("ACCEPTED");
    assertThat(answer.json().get("position").asText()).matches("\\d+-\\d+");
    assertThat(first.port()).isPositive();
  }

  @Test
  void twoInstancesEachAnswerTheirOwnCallers() throws Exception {
    List<Future<Http.Answer>> answers = new ArrayList<>();
    Http viaFirst = new Http(first.port(), TestTokens.OPERATOR);
    Http viaSecond = new Http(second.port(), TestTokens.OPERATOR);
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20; i++) {
        Http via = i % 2 == 0 ? viaFirst : viaSecond;
        String body = "{\"orderId\":\"two-" + i + "\",\"quantity\":1,\"holdSeconds\":60}";
        String path = "/skus/shared-" + (i % 3) + "/reservations";
        answers.add(callers.submit(() -> via.post(path, body, "Prefer", "wait=10")));
      }
    }
    for (int i = 0; i < answers.size(); i++) {
      Http.Answer answer = answers.get(i).get();
      assertThat(answer.status()).as("%s", answer).isEqualTo(201);
      assertThat(answer.json().get("subjectId").asText()).isEqualTo("two-" + i);
    }
  }

  @Test
  void pastTheWaiterCapACallerGetsThe202AtOnce() {
    try (CommandService capped = CommandService.start(config.withMaxWaiters(0))) {
      Http.Answer answer = new Http(capped.port(), TestTokens.OPERATOR).post("/skus/w-4/receipts",
          "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", "wait=30");

      assertThat(answer.status()).as("%s", answer).isEqualTo(202);
      assertThat(answer.header("Preference-Applied")).as("the wait was not honoured").isNull();
    }
  }

  @Test
  void atTheWaiterCapOneCallerWaitsAndTheNextIsAppendedAndAnswered202AtOnceAndCounted() throws Exception {
    try (CommandService capped = CommandService.start(config.withMaxWaiters(1));
         ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Http http = new Http(capped.port(), TestTokens.OPERATOR);
      // "silent" SKUs get no outcome, so the first caller holds the one place for its whole wait.
      Future<Http.Answer> waiting = callers.submit(() -> http.post("/skus/silent-cap/receipts",
          "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", "wait=3"));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          http.get("/metrics").response().body().contains("stocklog_command_waiting 1.0"));

      long started = System.nanoTime();
      Http.Answer second = http.post("/skus/silent-cap/receipts", "{\"receiptId\":\"r-2\",\"quantity\":5}",
          "Prefer", "wait=3");
      long secondMillis = (System.nanoTime() - started) / 1_000_000;
      Http.Answer first = waiting.get();

      assertThat(second.status()).as("%s", second).isEqualTo(202);
      assertThat(second.header("Preference-Applied")).as("the wait was not honoured").isNull();
      assertThat(secondMillis).as("ms to answer past the cap").isLessThan(2_000);
      assertThat(first.status()).as("%s", first).isEqualTo(202);
      assertThat(first.header("Preference-Applied")).as("the wait was honoured and ran out").isEqualTo("wait=3");
      List<String> inLog = EventLog.readAll(kafka, topics.events()).stream()
          .map(r -> EventLog.decode(r.value()).eventId()).toList();
      assertThat(inLog).contains(first.json().get("eventId").asText(), second.json().get("eventId").asText());
      String metrics = http.get("/metrics").response().body();
      assertThat(metrics).contains("stocklog_command_waits_skipped_total 1.0").contains("stocklog_command_waiting 0.0");
    }
  }

  @Test
  void closeLetsAWaitingCallerFinishThenStopsAndIsIdempotent() throws Exception {
    CommandService closing = CommandService.start(config);
    Http http = new Http(closing.port(), TestTokens.OPERATOR);
    try (ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Http.Answer> inFlight = caller.submit(() -> http.post("/skus/silent-2/receipts",
          "{\"receiptId\":\"r-1\",\"quantity\":5}", "Prefer", "wait=2"));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          http.get("/metrics").response().body().contains("stocklog_command_waiting 1.0"));

      closing.close();

      assertThat(inFlight.get().status()).as("%s", inFlight.get()).isEqualTo(202);
    }
    closing.close();
    assertThatThrownBy(() -> http.get("/health")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aRepeatedIdIsAnsweredWithItsOriginalOutcomeAtOnceWithoutAppending() {
    Http http = new Http(first.port(), TestTokens.OPERATOR);
    String body = "{\"orderId\":\"o-1\",\"quantity\":2,\"holdSeconds\":600}";
    Http.Answer original = http.post("/skus/idem-1/reservations", body, "Prefer", "wait=10");
    assertThat(original.status()).as("%s", original).isEqualTo(201);
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());

    Http.Answer again = http.post("/skus/idem-1/reservations", body);
    Http.Answer againWaiting = http.post("/skus/idem-1/reservations", body, "Prefer", "wait=5");
    Http.Answer different = http.post("/skus/idem-1/reservations",
        "{\"orderId\":\"o-1\",\"quantity\":3,\"holdSeconds\":600}");

    for (Http.Answer repeat : List.of(again, againWaiting)) {
      assertThat(repeat.status()).as("%s", repeat).isEqualTo(201);
      JsonNode json = repeat.json();
      assertThat(json.get("eventId").asText()).isEqualTo(original.json().get("eventId").asText());
      assertThat(json.get("position").asText()).isEqualTo(original.json().get("position").asText());
      assertThat(json.get("decidedAt").asText()).isEqualTo(original.json().get("decidedAt").asText());
      assertThat(json.get("decision").asText()).isEqualTo("HELD");
      assertThat(json.get("duplicate").asBoolean()).isTrue();
    }
    assertThat(again.header("Preference-Applied")).isNull();
    assertThat(againWaiting.header("Preference-Applied")).isEqualTo("wait=5");
    assertProblem(different, 409, "ID conflict");
    assertThat(different.json().get("reason").asText()).isEqualTo("ID_CONFLICT");
    assertThat(different.json().get("position").asText()).isEqualTo(original.json().get("position").asText());
    assertThat(EventLog.ends(kafka, topics.events())).as("nothing appended").isEqualTo(before);
  }

  @Test
  void aRepeatAppendedBeforeTheFirstWasDecidedIsAnsweredWithTheOriginalsEventIdAndPosition() throws Exception {
    Http http = new Http(first.port(), TestTokens.OPERATOR);
    String body = "{\"orderId\":\"o-1\",\"quantity\":2,\"holdSeconds\":600}";
    Http.Answer original = http.post("/skus/idem-slow-1/reservations", body);
    assertThat(original.status()).as("%s", original).isEqualTo(202);

    Http.Answer repeat;
    Http.Answer conflicting;
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      // Both sent while the first is still undecided, so both are appended and the projector answers them.
      Future<Http.Answer> same = callers.submit(() ->
          http.post("/skus/idem-slow-1/reservations", body, "Prefer", "wait=10"));
      Future<Http.Answer> other = callers.submit(() -> http.post("/skus/idem-slow-1/reservations",
          "{\"orderId\":\"o-1\",\"quantity\":5,\"holdSeconds\":600}", "Prefer", "wait=10"));
      repeat = same.get();
      conflicting = other.get();
    }

    assertThat(repeat.status()).as("%s", repeat).isEqualTo(201);
    assertThat(repeat.json().get("duplicate").asBoolean()).isTrue();
    assertThat(repeat.json().get("eventId").asText()).isEqualTo(original.json().get("eventId").asText());
    assertThat(repeat.json().get("position").asText()).isEqualTo(original.json().get("position").asText());
    assertProblem(conflicting, 409, "ID conflict");
    assertThat(conflicting.json().get("reason").asText()).isEqualTo("ID_CONFLICT");
  }
}
