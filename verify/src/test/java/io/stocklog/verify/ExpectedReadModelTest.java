package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.outcomes.Decision;
import java.util.List;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The read model's rules on hand-written outcome sequences. */
class ExpectedReadModelTest {

  private static final Instant T0 = Instant.parse("2100-01-01T00:00:00Z");
  private static final ReservationEntry.Key O1 = new ReservationEntry.Key("s", "o-1");

  private final ExpectedReadModel model = new ExpectedReadModel();

  @Test
  void aSkuRowIsItsNewestOutcomeThatIsNotARejection() {
    model.apply(received(1, 10, 0));
    model.apply(requested(2, "o-1", Decision.HELD, null, 3, 10, 3, T0.plusSeconds(60)));
    model.apply(rejected(3, "ReservationConfirmed", "o-9", Reason.UNKNOWN_RESERVATION, 10, 3));

    assertThat(model.stock()).containsOnlyKeys("s");
    assertThat(model.stock().get("s")).as("a rejection changed nothing, so the row stays at the hold")
        .isEqualTo(new StockEntry("s", 10, 3, 7, new Position(0, 2), T0.plusSeconds(2)));
  }

  @Test
  void aSkuThatOnlyEverSawRejectionsHasNoRowButItsRefusedRequestDoes() {
    model.apply(outcome(1, "ReservationRequested", "o-1", Decision.REJECTED, Reason.UNKNOWN_SKU, 2, 0, 0, null,
        false));
    model.apply(rejected(2, "ReservationConfirmed", "o-9", Reason.UNKNOWN_RESERVATION, 0, 0));

    assertThat(model.stock()).as("no phantom sku_stock row").isEmpty();
    assertThat(model.reservations().get(O1).status()).isEqualTo("REJECTED");
    assertThat(model.reservations().get(O1).rejectReason()).isEqualTo("UNKNOWN_SKU");
    assertThat(model.reservations().get(O1).expiresAt()).isNull();
  }

  @Test
  void anOlderOutcomeChangesNothingAndAtAnEqualPositionTheLaterWins() {
    model.apply(received(5, 10, 0));
    model.apply(received(4, 99, 0)); // redelivered, older

    assertThat(model.stock().get("s").onHand()).isEqualTo(10);

    // A tick at 6 expires a hold, then the event at 6 is decided: both at position 0-6, in that order.
    model.apply(requested(5, "o-1", Decision.HELD, null, 2, 10, 2, T0.plusSeconds(6)));
    model.apply(outcome(6, "ClockTick", "o-1", Decision.EXPIRED, null, 2, 10, 0, T0.plusSeconds(6), false));
    model.apply(received(6, 15, 0));

    assertThat(model.stock().get("s")).isEqualTo(new StockEntry("s", 15, 0, 15, new Position(0, 6), T0.plusSeconds(6)));
    assertThat(model.reservations().get(O1).status()).isEqualTo("EXPIRED");
  }

  @Test
  void aReservationFollowsHeldExtendedConfirmedAndKeepsItsDeadlineWhenAnOutcomeHasNone() {
    model.apply(requested(1, "o-1", Decision.HELD, null, 2, 10, 2, T0.plusSeconds(60)));
    assertThat(model.reservations().get(O1))
        .isEqualTo(new ReservationEntry("s", "o-1", 2, "HELD", null, T0.plusSeconds(60), new Position(0, 1)));

    model.apply(outcome(2, "ReservationExtended", "o-1", Decision.EXTENDED, null, 2, 10, 2, T0.plusSeconds(600), false));
    assertThat(model.reservations().get(O1))
        .isEqualTo(new ReservationEntry("s", "o-1", 2, "HELD", null, T0.plusSeconds(600), new Position(0, 2)));

    model.apply(outcome(3, "ReservationConfirmed", "o-1", Decision.CONFIRMED, null, 2, 8, 0, null, false));
    assertThat(model.reservations().get(O1))
        .isEqualTo(new ReservationEntry("s", "o-1", 2, "CONFIRMED", null, T0.plusSeconds(600), new Position(0, 3)));
  }

  @Test
  void aPreparedOrderLineShowsAsPreparedAndKeepsItsDeadline() {
    model.apply(outcome(1, "OrderLineRequested", "o-1", Decision.HELD, null, 2, 10, 2, T0.plusSeconds(60), false));
    model.apply(outcome(2, "OrderLinePrepared", "o-1", Decision.PREPARED, null, 2, 10, 2, null, false));

    assertThat(model.reservations().get(O1))
        .isEqualTo(new ReservationEntry("s", "o-1", 2, "PREPARED", null, T0.plusSeconds(60), new Position(0, 2)));
  }

  @Test
  void aRequestRefusedForStockIsARejectedRowWithItsReason() {
    model.apply(requested(1, "o-1", Decision.REJECTED, Reason.OUT_OF_STOCK, 5, 0, 0, T0.plusSeconds(60)));

    assertThat(model.reservations().get(O1))
        .isEqualTo(new ReservationEntry("s", "o-1", 5, "REJECTED", "OUT_OF_STOCK", T0.plusSeconds(60), new Position(0, 1)));
  }

  @Test
  void duplicatesAndRejectionsAboutTheEventLeaveTheReservationRowAlone() {
    model.apply(requested(1, "o-1", Decision.HELD, null, 2, 10, 2, T0.plusSeconds(60)));
    model.apply(outcome(2, "ReservationCancelled", "o-1", Decision.CANCELLED, null, 2, 10, 0, T0.plusSeconds(60), false));
    ReservationEntry cancelled = model.reservations().get(O1);

    // The request again: the first decision, marked duplicate.
    model.apply(outcome(3, "ReservationRequested", "o-1", Decision.HELD, null, 2, 10, 0, T0.plusSeconds(60), true));
    // The request again with another quantity: an ID conflict.
    model.apply(rejected(4, "ReservationRequested", "o-1", Reason.ID_CONFLICT, 10, 0));
    // A confirm after the cancel, an extend after it.
    model.apply(rejected(5, "ReservationConfirmed", "o-1", Reason.ALREADY_CANCELLED, 10, 0));
    model.apply(rejected(6, "ReservationExtended", "o-1", Reason.ALREADY_CANCELLED, 10, 0));
    // A confirm that repeats a refused-for-stock request's rejection with a duplicate flag.
    model.apply(outcome(7, "ReservationRequested", "o-1", Decision.REJECTED, Reason.OUT_OF_STOCK, 2, 10, 0,
        T0.plusSeconds(60), true));

    assertThat(model.reservations().get(O1)).isEqualTo(cancelled);
    assertThat(model.stock().get("s").position()).as("the duplicate at 3 is the newest that is not a rejection")
        .isEqualTo(new Position(0, 3));
  }

  @Test
  void receiptsAdjustmentsAndUnknownOrdersMakeNoReservationRow() {
    model.apply(received(1, 10, 0));
    model.apply(outcome(2, "StockAdjusted", "a-1", Decision.ADJUSTED, null, -2, 8, 0, null, false));
    model.apply(outcome(3, "StockAdjusted", "a-2", Decision.REJECTED, Reason.INSUFFICIENT_STOCK, -100, 8, 0, null, false));
    model.apply(rejected(4, "ReservationConfirmed", "o-1", Reason.UNKNOWN_RESERVATION, 8, 0));

    assertThat(model.reservations()).isEmpty();
    assertThat(model.stock().get("s").onHand()).isEqualTo(8);
    assertThat(model.outcomes()).isEqualTo(4);
  }

  @Test
  void anOutcomeMustBePlacedWhereItSaysItIs() {
    Outcome o = received(1, 10, 0);

    assertThatThrownBy(() -> model.apply(new Position(0, 2), o)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is at 0-1, not 0-2");
    assertThatThrownBy(() -> model.apply(new Outcome("e", "StockReceived", "s", "r", Decision.RECEIVED, null, 1, 1, 0,
        null, false, T0, null))).isInstanceOf(NullPointerException.class).hasMessageContaining("has no position");
  }

  private static Outcome received(long offset, long onHand, long reserved) {
    return outcome(offset, "StockReceived", "r-" + offset, Decision.RECEIVED, null, 1, onHand, reserved, null, false);
  }

  private static Outcome requested(long offset, String order, Decision d, Reason reason, long qty, long onHand,
      long reserved, Instant expiresAt) {
    return outcome(offset, "ReservationRequested", order, d, reason, qty, onHand, reserved, expiresAt, false);
  }

  private static Outcome rejected(long offset, String type, String order, Reason reason, long onHand, long reserved) {
    return outcome(offset, type, order, Decision.REJECTED, reason, 0, onHand, reserved, null, false);
  }

  private static Outcome outcome(long offset, String type, String subject, Decision d, Reason reason, long qty,
      long onHand, long reserved, Instant expiresAt, boolean duplicate) {
    return new Outcome("e-" + offset, type, "s", subject, d, reason, qty, onHand, reserved, expiresAt, duplicate,
        T0.plusSeconds(offset), new Position(0, offset).token());
  }

  private static OrderOutcome order(long offset, String type, Decision decision, Reason reason, OrderStatus status,
      Instant expiresAt, List<OrderOutcome.Line> lines, boolean duplicate) {
    return new OrderOutcome("e-" + offset, type, "ord", decision, reason, status, expiresAt, lines, duplicate,
        T0.plusSeconds(offset), new Position(0, offset).token());
  }

  @Test
  void anOrdersRowIsItsNewestOutcomeNotARepeatNorAnAnswerAboutAnOrderNeverPlaced() {
    List<OrderOutcome.Line> pending = List.of(new OrderOutcome.Line("a", 2, null, null, null),
        new OrderOutcome.Line("b", 5, null, null, null));
    List<OrderOutcome.Line> refused = List.of(new OrderOutcome.Line("a", 2, ReservationStatus.CANCELLED, null, null),
        new OrderOutcome.Line("b", 5, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 3L));
    model.apply(new Position(0, 1), order(1, "OrderPlaced", Decision.PENDING, null, OrderStatus.PENDING, null,
        pending, false));
    assertThat(model.orders().get("ord").status()).isEqualTo("PENDING");
    assertThat(model.orders().get("ord").lines().toString())
        .isEqualTo("[{\"sku\":\"a\",\"quantity\":2,\"status\":null},{\"sku\":\"b\",\"quantity\":5,\"status\":null}]");

    model.apply(new Position(0, 4), order(4, "OrderLineDecided", Decision.REJECTED, Reason.OUT_OF_STOCK,
        OrderStatus.REJECTED, null, refused, false));
    // A cancel refused NOT_HELD: the order as it was, at a newer position; its reason is not the order's.
    model.apply(new Position(0, 6), order(6, "OrderCancelled", Decision.REJECTED, Reason.NOT_HELD,
        OrderStatus.REJECTED, null, refused, false));
    model.apply(new Position(0, 7), order(7, "OrderPlaced", Decision.REJECTED, Reason.OUT_OF_STOCK,
        OrderStatus.REJECTED, null, refused, true));
    model.apply(new Position(0, 2), order(2, "OrderPlaced", Decision.PENDING, null, OrderStatus.PENDING, null,
        pending, false)); // older: a redelivery
    model.apply(new Position(0, 8), new OrderOutcome("e-8", "OrderConfirmed", "never", Decision.REJECTED,
        Reason.UNKNOWN_ORDER, null, null, List.of(), false, T0, "0-8"));

    OrderEntry row = model.orders().get("ord");
    assertThat(row.status()).isEqualTo("REJECTED");
    assertThat(row.rejectReason()).isEqualTo("OUT_OF_STOCK");
    assertThat(row.position()).isEqualTo(new Position(0, 6));
    assertThat(row.updatedAt()).isEqualTo(T0.plusSeconds(6));
    assertThat(row.lines().get(1).get("available").asLong()).isEqualTo(3);
    assertThat(row.lines().get(0).has("reason")).as("a line that was not refused has no reason").isFalse();
    assertThat(model.orders()).doesNotContainKey("never");
    assertThat(model.orderOutcomes()).isEqualTo(6);
  }
}
