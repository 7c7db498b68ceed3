package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.T0;
import static io.stocklog.readmodel.TestOutcomes.received;
import static io.stocklog.readmodel.TestOutcomes.rejected;
import static io.stocklog.readmodel.TestOutcomes.reservation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read model's rules without a database: which rows outcomes leave, and how far a partition is applied. */
class OutcomeRowsTest {

  private static final Instant DEADLINE = T0.plusSeconds(600);

  private static OutcomeRows rowsOf(Outcome... outcomes) {
    OutcomeRows rows = new OutcomeRows();
    for (Outcome o : outcomes) {
      rows.add(o);
    }
    return rows;
  }

  @Test
  void eachSkuKeepsItsNewestOutcomeByPositionWhateverOrderTheyCameIn() {
    OutcomeRows rows = rowsOf(
        received("a", 10, 10, 0, 1, 7),
        received("a", 5, 15, 0, 1, 9),
        received("a", 1, 11, 0, 1, 8), // older than 9: a redelivery, changes nothing
        received("b", 3, 3, 0, 2, 1));
    assertThat(rows.stock()).extracting(p -> p.outcome().sku() + "@" + p.position().token())
        .containsExactly("a@1-9", "b@2-1");
    assertThat(rows.stockRows()).isEqualTo(2);
  }

  @Test
  void atAnEqualPositionTheLaterOutcomeWins() {
    // An event's expiries come first, then its own decision, all at its position.
    Outcome expiry = new Outcome("e-5", "ReservationRequested", "a", "o-old", Decision.EXPIRED, null, 2, 10, 0,
        DEADLINE, false, T0, new Position(0, 5).token());
    Outcome decision = reservation("a", "o-new", Decision.HELD, 1, 10, 1, DEADLINE, 0, 5);
    OutcomeRows rows = rowsOf(expiry, decision);
    assertThat(rows.stock()).singleElement().extracting(OutcomeRows.Placed::outcome).isEqualTo(decision);
  }

  @Test
  void aRejectionLeavesTheSkuRowAloneSoASkuThatNeverHadStockGetsNone() {
    OutcomeRows typo = rowsOf(rejected("TYPO", "o-1", "ReservationRequested", Reason.UNKNOWN_SKU, 2, 0, 0, 0, 3));
    assertThat(typo.stock()).as("no phantom sku_stock row").isEmpty();
    assertThat(typo.reservations()).singleElement()
        .satisfies(p -> assertThat(OutcomeRows.reservationStatus(p.outcome())).isEqualTo(ReservationStatus.REJECTED));
    assertThat(typo.applied()).as("the partition is applied through it all the same").containsEntry(0, 3L);

    Outcome held = reservation("a", "o-1", Decision.HELD, 1, 10, 1, DEADLINE, 0, 4);
    OutcomeRows rows = rowsOf(held, rejected("a", "o-2", "ReservationRequested", Reason.OUT_OF_STOCK, 50, 10, 1, 0, 5));
    assertThat(rows.stock()).as("the row stays at the last change").singleElement()
        .extracting(OutcomeRows.Placed::outcome).isEqualTo(held);
  }

  @Test
  void onlyOutcomesThatSayWhereAReservationStandsTouchItsRow() {
    assertThat(OutcomeRows.reservationStatus(reservation("a", "o", Decision.HELD, 1, 5, 1, DEADLINE, 0, 1)))
        .isEqualTo(ReservationStatus.HELD);
    assertThat(OutcomeRows.reservationStatus(reservation("a", "o", Decision.EXTENDED, 1, 5, 1, DEADLINE, 0, 2)))
        .isEqualTo(ReservationStatus.HELD);
    assertThat(OutcomeRows.reservationStatus(reservation("a", "o", Decision.CONFIRMED, 1, 4, 0, DEADLINE, 0, 3)))
        .isEqualTo(ReservationStatus.CONFIRMED);
    assertThat(OutcomeRows.reservationStatus(reservation("a", "o", Decision.CANCELLED, 1, 5, 0, DEADLINE, 0, 4)))
        .isEqualTo(ReservationStatus.CANCELLED);
    assertThat(OutcomeRows.reservationStatus(reservation("a", "o", Decision.EXPIRED, 1, 5, 0, DEADLINE, 0, 5)))
        .isEqualTo(ReservationStatus.EXPIRED);
    assertThat(OutcomeRows.reservationStatus(
        rejected("a", "o", "ReservationRequested", Reason.OUT_OF_STOCK, 9, 5, 0, 0, 6)))
        .isEqualTo(ReservationStatus.REJECTED);
    // Rejections about an event, not the reservation; receipts; repeats.
    assertThat(OutcomeRows.reservationStatus(
        rejected("a", "o", "ReservationRequested", Reason.ID_CONFLICT, 9, 5, 0, 0, 7))).isNull();
    assertThat(OutcomeRows.reservationStatus(
        rejected("a", "o", "ReservationConfirmed", Reason.UNKNOWN_RESERVATION, 0, 5, 0, 0, 8))).isNull();
    assertThat(OutcomeRows.reservationStatus(
        rejected("a", "o", "ReservationConfirmed", Reason.EXPIRED, 1, 5, 0, 0, 9))).isNull();
    assertThat(OutcomeRows.reservationStatus(received("a", 1, 6, 0, 0, 10))).isNull();
    Outcome repeat = new Outcome("e-11", "ReservationRequested", "a", "o", Decision.HELD, null, 1, 6, 1, DEADLINE,
        true, T0, new Position(0, 11).token());
    assertThat(OutcomeRows.reservationStatus(repeat)).isNull();
  }

  @Test
  void aReservationKeepsItsNewestTouchingOutcome() {
    OutcomeRows rows = rowsOf(
        reservation("a", "o-1", Decision.HELD, 3, 10, 3, DEADLINE, 0, 1),
        reservation("a", "o-1", Decision.CONFIRMED, 3, 7, 0, DEADLINE, 0, 2),
        rejected("a", "o-1", "ReservationCancelled", Reason.ALREADY_CONFIRMED, 3, 7, 0, 0, 3),
        reservation("a", "o-2", Decision.HELD, 1, 7, 1, DEADLINE, 0, 4));
    assertThat(rows.reservations()).extracting(p -> p.outcome().subjectId() + " " + p.outcome().decision())
        .containsExactly("o-1 CONFIRMED", "o-2 HELD");
    assertThat(rows.reservationRows()).isEqualTo(2);
  }

  @Test
  void aPartitionIsAppliedThroughItsLastOutcomeUnlessTheBatchEndsBeforeAnEventsOwnDecision() {
    Outcome expiredByRequest = new Outcome("e-40", "ReservationRequested", "a", "o-old", Decision.EXPIRED, null, 2,
        5, 0, DEADLINE, false, T0, new Position(11, 40).token());
    Outcome expiredByTick = new Outcome("e-41", "ClockTick", "b", "o-x", Decision.EXPIRED, null, 1, 5, 0, DEADLINE,
        false, T0, new Position(12, 41).token());
    OutcomeRows rows = rowsOf(received("a", 5, 5, 0, 11, 39), expiredByRequest, expiredByTick,
        received("c", 1, 1, 0, 3, 8));
    assertThat(rows.applied()).containsExactly(Map.entry(3, 8L), Map.entry(11, 39L), Map.entry(12, 41L));
  }

  @Test
  void anOutcomeWithoutAPositionCannotBePlaced() {
    Outcome unplaced = new Outcome("e-1", "StockReceived", "a", "r-1", Decision.RECEIVED, null, 1, 1, 0, null, false,
        T0, null);
    assertThatThrownBy(() -> rowsOf(unplaced)).hasMessageContaining("e-1").hasMessageContaining("no position");
    assertThat(new OutcomeRows().applied()).isEmpty();
    assertThat(List.of(new OutcomeRows().stock(), new OutcomeRows().reservations())).allMatch(c -> c.isEmpty());
  }

  @Test
  void aPreparedOrderLineShowsAsPrepared() {
    Outcome prepared = new Outcome("l-1", "OrderLinePrepared", "a", "o", Decision.PREPARED, null, 1, 5, 1, DEADLINE,
        false, T0, new Position(0, 1).token());
    assertThat(OutcomeRows.reservationStatus(prepared)).isEqualTo(ReservationStatus.PREPARED);
  }

  @Test
  void anOrdersOutcomeCountsForItsPartitionAndAnOrdersExpiryBeforeItsEventsOwnDecisionDoesNotComplete() {
    OutcomeRows rows = rowsOf(received("a", 1, 1, 0, 0, 3));
    rows.add(new OrderOutcome("e-4", "OrderPlaced", "o", Decision.PENDING, null, OrderStatus.PENDING, null,
        List.of(new OrderOutcome.Line("a", 1, null, null, null)), false, T0, new Position(0, 4).token()));
    assertThat(rows.applied()).isEqualTo(Map.of(0, 4L));
    assertThat(rows.orders()).extracting(p -> p.outcome().status()).containsExactly(OrderStatus.PENDING);
    // An order that expired when the clock moved at offset 5, whose record's own decision is still to come.
    rows.add(new OrderOutcome("e-5", "OrderConfirmed", "o", Decision.EXPIRED, null, OrderStatus.EXPIRED, DEADLINE,
        List.of(new OrderOutcome.Line("a", 1, ReservationStatus.EXPIRED, null, null)), false, T0,
        new Position(0, 5).token()));
    assertThat(rows.applied()).isEqualTo(Map.of(0, 4L));
    assertThat(rows.orders()).extracting(p -> p.outcome().status()).containsExactly(OrderStatus.EXPIRED);
    // A repeat changes no row, but its position is applied.
    rows.add(new OrderOutcome("e-6", "OrderPlaced", "o", Decision.HELD, null, OrderStatus.EXPIRED, DEADLINE,
        List.of(), true, T0, new Position(0, 6).token()));
    assertThat(rows.applied()).isEqualTo(Map.of(0, 6L));
    assertThat(rows.orders()).extracting(p -> p.position().offset()).containsExactly(5L);
  }

  @Test
  void aReservationsNewestOutcomeWithoutADeadlineKeepsTheOneBefore() {
    OutcomeRows rows = rowsOf(reservation("a", "o", Decision.HELD, 1, 5, 1, DEADLINE, 0, 1));
    rows.add(new Outcome("l-2", "OrderLinePrepared", "a", "o", Decision.PREPARED, null, 1, 5, 1, null, false, T0,
        new Position(0, 2).token()));
    assertThat(rows.reservations()).singleElement().satisfies(p -> {
      assertThat(p.outcome().decision()).isEqualTo(Decision.PREPARED);
      assertThat(p.outcome().expiresAt()).isEqualTo(DEADLINE);
    });
  }
}
