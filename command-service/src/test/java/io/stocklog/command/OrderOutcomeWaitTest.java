package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.ReservationRequested;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.topics.TopicSettings;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller waiting on an order is answered with, against a real broker and a stand-in coordinator that
 * publishes order outcomes the way the projector does (header, keyed by order ID): never an outcome whose order is
 * still PENDING (a coordinator publishes one as soon as an order is placed, with the placing's event ID, before its
 * decision), unless it is a refusal; never an expiry that carries the request's event ID; and SKU requests waiting
 * beside them are answered as before.
 */
@WithInfra
class OrderOutcomeWaitTest {

  private static final Instant T = Instant.parse("2026-03-04T05:06:07Z");
  private static final String WAIT = "wait=10";

  private static CommandService service;
  private static FakeProjector projector;
  private static Http http;

  @BeforeAll
  static void start(TestKafka kafka) {
    TopicSettings topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    service = CommandService.start(TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics));
    projector = new FakeProjector(kafka, topics.events(), topics.outcomes(), OrderOutcomeWaitTest::decideSku,
        OrderOutcomeWaitTest::decideOrder);
    http = new Http(service.port(), TestTokens.OPERATOR);
  }

  @AfterAll
  static void stop() {
    projector.close();
    service.close();
  }

  private static final List<OrderOutcome.Line> PENDING_LINES =
      List.of(new OrderOutcome.Line("A", 2, null, null, null));
  private static final List<OrderOutcome.Line> HELD_LINES =
      List.of(new OrderOutcome.Line("A", 2, ReservationStatus.HELD, null, null));

  /**
   * The stand-in coordinator, by order ID: "pending-*" first PENDING (under two decisions, as the decision a PENDING
   * outcome carries is not settled), then an expiry carrying the same event ID, then HELD; "busy-*" a refusal
   * ORDER_BUSY while the order is PENDING; "never-*" only PENDING. A confirm of "pending-*" is CONFIRMED.
   */
  private static List<OrderOutcome> decideOrder(OrderEvent e) {
    return switch (e) {
      case OrderPlaced p when p.orderId().startsWith("pending") -> List.of(
          order(p, Decision.HELD, null, OrderStatus.PENDING, PENDING_LINES),
          order(p, Decision.RECEIVED, null, OrderStatus.PENDING, PENDING_LINES),
          order(p, Decision.EXPIRED, null, OrderStatus.EXPIRED, HELD_LINES),
          order(p, Decision.HELD, null, OrderStatus.HELD, HELD_LINES));
      case OrderPlaced p when p.orderId().startsWith("busy") ->
          List.of(order(p, Decision.REJECTED, Reason.ORDER_BUSY, OrderStatus.PENDING, PENDING_LINES));
      case OrderPlaced p -> List.of(order(p, Decision.HELD, null, OrderStatus.PENDING, PENDING_LINES));
      case OrderConfirmed c -> List.of(order(c, Decision.CONFIRMED, null, OrderStatus.CONFIRMED, HELD_LINES));
      default -> List.of();
    };
  }

  /** A reservation is held. */
  private static List<Outcome> decideSku(Event e) {
    if (e instanceof ReservationRequested r) {
      return List.of(new Outcome(r.eventId(), r.type(), r.sku(), r.orderId(), Decision.HELD, null, r.quantity(), 10,
          r.quantity(), T.plusSeconds(60), false, T, null));
    }
    return List.of();
  }

  private static OrderOutcome order(OrderEvent e, Decision decision, Reason reason, OrderStatus status,
      List<OrderOutcome.Line> lines) {
    return new OrderOutcome(e.eventId(), e.type(), e.orderId(), decision, reason, status,
        status == OrderStatus.PENDING ? null : T.plusSeconds(600), lines, false, T, null);
  }

  private static String order(String orderId) {
    return "{\"orderId\":\"" + orderId + "\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}";
  }

  @Test
  void aWaitingPlacingIsAnsweredWithTheDecisionPastAnyPendingOutcomeAndPastAnExpiryWithItsId() {
    Http.Answer answer = http.post("/orders", order("pending-1"), "Prefer", WAIT);

    assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    assertThat(answer.json().get("status").asText()).isEqualTo("HELD");
    assertThat(answer.json().get("decision").asText()).isEqualTo("HELD");
    assertThat(answer.json().get("lines").get(0).get("status").asText()).isEqualTo("HELD");
  }

  @Test
  void aRefusalWhileTheOrderIsPendingIsFinalAndAnswered409() {
    Http.Answer answer = http.post("/orders", order("busy-1"), "Prefer", WAIT);

    OrderRoutesTest.assertOrderRefusal(answer, "too many requests waiting");
    assertThat(answer.json().get("reason").asText()).isEqualTo("ORDER_BUSY");
    assertThat(answer.json().get("status").asText()).isEqualTo("PENDING");
  }

  @Test
  void anOrderStillPendingWhenTheWaitRunsOutIsThePlain202() {
    Http.Answer answer = http.post("/orders", order("never-1"), "Prefer", "wait=1");

    assertThat(answer.status()).as("%s", answer).isEqualTo(202);
    assertThat(answer.json().get("status").asText()).isEqualTo("ACCEPTED");
    assertThat(answer.header("Preference-Applied")).isEqualTo("wait=1");
  }

  @Test
  void aConfirmIsAnsweredWithItsOutcomeAndAReservationBesideItWithItsOwn() {
    Http.Answer confirmed = http.post("/orders/pending-2/confirm", null, "Prefer", WAIT);
    Http.Answer reserved = http.post("/skus/crossed/reservations",
        "{\"orderId\":\"o-1\",\"quantity\":2,\"holdSeconds\":60}", "Prefer", WAIT);

    assertThat(confirmed.status()).as("%s", confirmed).isEqualTo(200);
    assertThat(confirmed.json().get("decision").asText()).isEqualTo("CONFIRMED");
    assertThat(reserved.status()).as("%s", reserved).isEqualTo(201);
    assertThat(reserved.json().get("sku").asText()).isEqualTo("crossed");
  }

  @Test
  void onlyADecisionAnswersAnOrdersRequest() {
    OrderPlaced p = new OrderPlaced(1, "e-1", "o-1", T, 60, List.of(new OrderPlaced.Line("A", 1)));

    assertThat(OutcomeFollower.answers(order(p, Decision.HELD, null, OrderStatus.PENDING, PENDING_LINES))).isFalse();
    assertThat(OutcomeFollower.answers(order(p, Decision.EXPIRED, null, OrderStatus.EXPIRED, HELD_LINES))).isFalse();
    assertThat(OutcomeFollower.answers(order(p, Decision.REJECTED, Reason.ORDER_BUSY, OrderStatus.PENDING,
        PENDING_LINES))).isTrue();
    assertThat(OutcomeFollower.answers(order(p, Decision.HELD, null, OrderStatus.HELD, HELD_LINES))).isTrue();
    assertThat(OutcomeFollower.answers(order(p, Decision.REJECTED, Reason.OUT_OF_STOCK, OrderStatus.REJECTED,
        HELD_LINES))).isTrue();
  }
}
