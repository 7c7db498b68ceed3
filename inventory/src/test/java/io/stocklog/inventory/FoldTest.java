package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.events.Events;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One example per rule of the pure fold. State is built the way {@link Inventory} loads it: the SKU's
 * counters plus the one reservation or remembered ID the event names.
 */
class FoldTest {

  private static final String SKU = "sku-1";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final long NOW = T0.toEpochMilli();

  // --- receipts

  @Test
  void receiptAddsItsQuantityToOnHand() {
    Step step = Fold.step(stock(10, 4), Events.received(SKU, "r-1", 5, T0), NOW);

    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 15, 4));
    assertOutcome(step.outcome(), Decision.RECEIVED, null, false);
    assertThat(step.outcome().subjectId()).isEqualTo("r-1");
    assertThat(step.outcome().onHand()).isEqualTo(15);
    assertThat(step.state().applied().kind()).isEqualTo(AppliedId.Kind.RECEIPT);
  }

  @Test
  void repeatedReceiptWithTheSameQuantityIsADuplicateAndChangesNothing() {
    SkuState afterFirst = Fold.step(stock(10, 0), Events.received(SKU, "r-1", 5, T0), NOW).state();

    Step repeat = Fold.step(afterFirst, Events.received(SKU, "r-1", 5, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(repeat.outcome(), Decision.RECEIVED, null, true);
    assertThat(repeat.state()).isEqualTo(afterFirst);
    assertThat(repeat.outcome().onHand()).isEqualTo(15);
  }

  @Test
  void receiptIdReusedWithADifferentQuantityIsRejectedAsAnIdConflict() {
    SkuState afterFirst = Fold.step(stock(10, 0), Events.received(SKU, "r-1", 5, T0), NOW).state();

    Step conflict = Fold.step(afterFirst, Events.received(SKU, "r-1", 6, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(conflict.outcome(), Decision.REJECTED, Reason.ID_CONFLICT, true);
    assertThat(conflict.state()).isEqualTo(afterFirst);
  }

  // --- adjustments

  @Test
  void positiveAdjustmentRaisesOnHand() {
    Step step = Fold.step(stock(10, 4), Events.adjusted(SKU, "a-1", 3, "audit", T0), NOW);

    assertOutcome(step.outcome(), Decision.ADJUSTED, null, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 13, 4));
  }

  @Test
  void negativeAdjustmentLowersOnHandDownToExactlyTheReservedUnits() {
    Step step = Fold.step(stock(10, 4), Events.adjusted(SKU, "a-1", -6, "damaged", T0), NOW);

    assertOutcome(step.outcome(), Decision.ADJUSTED, null, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 4, 4));
  }

  @Test
  void adjustmentThatWouldMakeAvailableNegativeIsRejectedAndChangesNoStock() {
    Step step = Fold.step(stock(10, 4), Events.adjusted(SKU, "a-1", -7, "damaged", T0), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.INSUFFICIENT_STOCK, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 4));
  }

  @Test
  void repeatOfARejectedAdjustmentIsRejectedAgainEvenIfStockArrivedSince() {
    SkuState rejected = Fold.step(stock(10, 4), Events.adjusted(SKU, "a-1", -7, "damaged", T0), NOW).state();
    SkuState restocked = new SkuState(new StockLevel(SKU, 100, 4), null, rejected.applied(), true);

    Step repeat = Fold.step(restocked, Events.adjusted(SKU, "a-1", -7, "damaged", T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(repeat.outcome(), Decision.REJECTED, Reason.INSUFFICIENT_STOCK, true);
    assertThat(repeat.state()).isEqualTo(restocked);
  }

  // --- requests

  @Test
  void requestIsHeldWhenAvailableEqualsTheQuantity() {
    Step step = Fold.step(stock(10, 7), Events.requested(SKU, "o-1", 3, 60, T0), NOW);

    assertOutcome(step.outcome(), Decision.HELD, null, false);
    assertThat(step.outcome().expiresAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 10));
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.HELD);
    assertThat(step.state().reservation().expiresAt()).isEqualTo(NOW + 60_000);
  }

  @Test
  void requestIsRejectedOutOfStockWhenAvailableIsOneShortOfTheQuantity() {
    Step step = Fold.step(stock(10, 8), Events.requested(SKU, "o-1", 3, 60, T0), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.OUT_OF_STOCK, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 8));
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.REJECTED);
    assertThat(step.state().reservation().rejectReason()).isEqualTo(Reason.OUT_OF_STOCK);
  }

  @Test
  void aRejectedRequestCarriesNoDeadline() {
    Step step = Fold.step(stock(10, 8), Events.requested(SKU, "o-1", 3, 60, T0), NOW);

    assertThat(step.outcome().expiresAt()).isNull();
    Step repeat = Fold.step(step.state(), Events.requested(SKU, "o-1", 3, 60, T0.plusSeconds(1)), NOW + 1000);
    assertThat(repeat.outcome().expiresAt()).isNull();
    Step confirm = Fold.step(step.state(), Events.confirmed(SKU, "o-1", T0.plusSeconds(2)), NOW + 2000);
    assertOutcome(confirm.outcome(), Decision.REJECTED, Reason.NOT_HELD, false);
    assertThat(confirm.outcome().expiresAt()).isNull();
  }

  @Test
  void requestForASkuThatNeverHadStockIsRejectedAsUnknownAndRepeatsSo() {
    SkuState never = new SkuState(StockLevel.empty(SKU), null, null, false);

    Step step = Fold.step(never, Events.requested(SKU, "o-1", 1, 60, T0), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.UNKNOWN_SKU, false);
    assertThat(step.state().stock()).isEqualTo(StockLevel.empty(SKU));
    assertThat(step.state().stocked()).isFalse();
    assertThat(step.state().reservation().rejectReason()).isEqualTo(Reason.UNKNOWN_SKU);
    Step repeat = Fold.step(step.state(), Events.requested(SKU, "o-1", 1, 60, T0.plusSeconds(1)), NOW + 1000);
    assertOutcome(repeat.outcome(), Decision.REJECTED, Reason.UNKNOWN_SKU, true);
  }

  @Test
  void aSkuWhoseStockRanOutIsOutOfStockNotUnknown() {
    SkuState soldOut = new SkuState(new StockLevel(SKU, 0, 0), null, null, true);

    assertOutcome(Fold.step(soldOut, Events.requested(SKU, "o-1", 1, 60, T0), NOW).outcome(),
        Decision.REJECTED, Reason.OUT_OF_STOCK, false);
  }

  @Test
  void aReceiptMakesASkuStocked() {
    SkuState never = new SkuState(StockLevel.empty(SKU), null, null, false);

    assertThat(Fold.step(never, Events.received(SKU, "r-1", 1, T0), NOW).state().stocked()).isTrue();
  }

  @Test
  void repeatOfAHeldRequestIsAHeldDuplicateAndChangesNothing() {
    SkuState held = Fold.step(stock(10, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();

    Step repeat = Fold.step(held, Events.requested(SKU, "o-1", 3, 60, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(repeat.outcome(), Decision.HELD, null, true);
    assertThat(repeat.outcome().expiresAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(repeat.state()).isEqualTo(held);
  }

  @Test
  void repeatOfARejectedRequestIsRejectedOutOfStockAgainEvenIfStockArrivedSince() {
    SkuState rejected = Fold.step(stock(2, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();
    SkuState restocked = new SkuState(new StockLevel(SKU, 100, 0), rejected.reservation(), null, true);

    Step repeat = Fold.step(restocked, Events.requested(SKU, "o-1", 3, 60, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(repeat.outcome(), Decision.REJECTED, Reason.OUT_OF_STOCK, true);
    assertThat(repeat.state()).isEqualTo(restocked);
  }

  @Test
  void orderIdReusedWithADifferentQuantityIsRejectedAsAnIdConflict() {
    SkuState held = Fold.step(stock(10, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();

    Step conflict = Fold.step(held, Events.requested(SKU, "o-1", 4, 60, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(conflict.outcome(), Decision.REJECTED, Reason.ID_CONFLICT, true);
    assertThat(conflict.state()).isEqualTo(held);
  }

  // --- confirm, cancel, extend

  @Test
  void confirmOfAHeldReservationDropsOnHandAndReserved() {
    SkuState held = held(10, 3);

    Step step = Fold.step(held, Events.confirmed(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(step.outcome(), Decision.CONFIRMED, null, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 7, 0));
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.CONFIRMED);
  }

  @Test
  void confirmingTwiceIsAConfirmedDuplicateTheSecondTime() {
    SkuState confirmed = Fold.step(held(10, 3), Events.confirmed(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000).state();

    Step again = Fold.step(confirmed, Events.confirmed(SKU, "o-1", T0.plusSeconds(2)), NOW + 2000);

    assertOutcome(again.outcome(), Decision.CONFIRMED, null, true);
    assertThat(again.state()).isEqualTo(confirmed);
  }

  @Test
  void cancelOfAHeldReservationDropsReservedOnly() {
    Step step = Fold.step(held(10, 3), Events.cancelled(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(step.outcome(), Decision.CANCELLED, null, false);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 0));
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.CANCELLED);
  }

  @Test
  void cancelAfterConfirmIsRejectedAsAlreadyConfirmed() {
    SkuState confirmed = Fold.step(held(10, 3), Events.confirmed(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000).state();

    Step cancel = Fold.step(confirmed, Events.cancelled(SKU, "o-1", T0.plusSeconds(2)), NOW + 2000);

    assertThat(cancel.outcome().decision()).isEqualTo(Decision.REJECTED);
    assertThat(cancel.outcome().reason()).isEqualTo(Reason.ALREADY_CONFIRMED);
    assertThat(cancel.state()).isEqualTo(confirmed);
  }

  @Test
  void confirmAfterCancelIsRejectedAsAlreadyCancelled() {
    SkuState cancelled = Fold.step(held(10, 3), Events.cancelled(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000).state();

    Step confirm = Fold.step(cancelled, Events.confirmed(SKU, "o-1", T0.plusSeconds(2)), NOW + 2000);

    assertThat(confirm.outcome().decision()).isEqualTo(Decision.REJECTED);
    assertThat(confirm.outcome().reason()).isEqualTo(Reason.ALREADY_CANCELLED);
    assertThat(confirm.state()).isEqualTo(cancelled);
  }

  @Test
  void confirmOfAnExpiredReservationIsRejectedAsExpired() {
    SkuState held = held(10, 3);
    Step expired = Fold.expire(held.stock(), held.reservation(), "tick-1", "ClockTick", NOW + 60_000);

    Step confirm = Fold.step(expired.state(), Events.confirmed(SKU, "o-1", T0.plusSeconds(61)), NOW + 61_000);

    assertOutcome(confirm.outcome(), Decision.REJECTED, Reason.EXPIRED, false);
    assertThat(confirm.state()).isEqualTo(expired.state());
  }

  @Test
  void confirmOfAnUnknownOrderIsRejectedAndRememberedByEventId() {
    ReservationConfirmed confirm = Events.confirmed(SKU, "o-9", T0);

    Step step = Fold.step(stock(10, 0), confirm, NOW);

    assertUnknownReservation(step, confirm.eventId());
  }

  @Test
  void cancelOfAnUnknownOrderIsRejectedAsUnknownReservation() {
    var cancel = Events.cancelled(SKU, "o-9", T0);

    assertUnknownReservation(Fold.step(stock(10, 0), cancel, NOW), cancel.eventId());
  }

  @Test
  void extendOfAnUnknownOrderIsRejectedAsUnknownReservation() {
    ReservationExtended extend = Events.extended(SKU, "o-9", 60, T0);

    assertUnknownReservation(Fold.step(stock(10, 0), extend, NOW), extend.eventId());
  }

  @Test
  void confirmOfARejectedReservationIsRejectedAsNotHeld() {
    SkuState rejected = Fold.step(stock(2, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();

    Step confirm = Fold.step(rejected, Events.confirmed(SKU, "o-1", T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(confirm.outcome(), Decision.REJECTED, Reason.NOT_HELD, false);
    assertThat(confirm.state()).isEqualTo(rejected);
  }

  @Test
  void extendOfARejectedReservationIsRejectedAsNotHeld() {
    SkuState rejected = Fold.step(stock(2, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();

    Step extend = Fold.step(rejected, Events.extended(SKU, "o-1", 600, T0.plusSeconds(1)), NOW + 1000);

    assertOutcome(extend.outcome(), Decision.REJECTED, Reason.NOT_HELD, false);
    assertThat(extend.state()).isEqualTo(rejected);
  }

  @Test
  void extendNeverShortensAHold() {
    SkuState held = Fold.step(stock(10, 0), Events.requested(SKU, "o-1", 3, 600, T0), NOW).state();

    Step extend = Fold.step(held, Events.extended(SKU, "o-1", 60, T0.plusSeconds(10)), NOW + 10_000);

    assertOutcome(extend.outcome(), Decision.EXTENDED, null, false);
    assertThat(extend.outcome().expiresAt()).isEqualTo(T0.plusSeconds(600));
    assertThat(extend.state().reservation().expiresAt()).isEqualTo(NOW + 600_000);
    assertThat(extend.state().stock()).isEqualTo(held.stock());
  }

  @Test
  void extendMovesTheDeadlineToItsTimePlusTheExtraHold() {
    SkuState held = Fold.step(stock(10, 0), Events.requested(SKU, "o-1", 3, 60, T0), NOW).state();

    Step extend = Fold.step(held, Events.extended(SKU, "o-1", 120, T0.plusSeconds(30)), NOW + 30_000);

    assertOutcome(extend.outcome(), Decision.EXTENDED, null, false);
    assertThat(extend.outcome().expiresAt()).isEqualTo(T0.plusSeconds(150));
    assertThat(extend.state().reservation().expiresAt()).isEqualTo(NOW + 150_000);
    assertThat(extend.state().reservation().status()).isEqualTo(ReservationStatus.HELD);
    assertThat(extend.state().stock()).isEqualTo(held.stock());
  }

  // --- expiry

  @Test
  void expiryDropsReservedAndNamesTheCausingEvent() {
    SkuState held = held(10, 3);

    Step step = Fold.expire(held.stock(), held.reservation(), "tick-1", "ClockTick", NOW + 60_000);

    assertOutcome(step.outcome(), Decision.EXPIRED, null, false);
    assertThat(step.outcome().eventId()).isEqualTo("tick-1");
    assertThat(step.outcome().eventType()).isEqualTo("ClockTick");
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 0));
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.EXPIRED);
  }

  @Test
  void expireRefusesAReservationNotYetDue() {
    SkuState held = held(10, 3);

    assertThatThrownBy(() -> Fold.expire(held.stock(), held.reservation(), "tick-1", "ClockTick", NOW + 59_999))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- helpers

  private static SkuState stock(long onHand, long reserved) {
    return new SkuState(new StockLevel(SKU, onHand, reserved), null, null, true);
  }

  /** o-1 held for {@code quantity} units for 60 s from T0, on a SKU that had {@code onHand} and nothing reserved. */
  private static SkuState held(long onHand, long quantity) {
    Step step = Fold.step(stock(onHand, 0), Events.requested(SKU, "o-1", quantity, 60, T0), NOW);
    assertThat(step.outcome().decision()).isEqualTo(Decision.HELD);
    return step.state();
  }

  private static void assertOutcome(Outcome o, Decision decision, Reason reason, boolean duplicate) {
    assertThat(o.decision()).as("decision of %s", o).isEqualTo(decision);
    assertThat(o.reason()).as("reason of %s", o).isEqualTo(reason);
    assertThat(o.duplicate()).as("duplicate flag of %s", o).isEqualTo(duplicate);
    assertThat(o.sku()).isEqualTo(SKU);
  }

  private static void assertUnknownReservation(Step step, String eventId) {
    assertOutcome(step.outcome(), Decision.REJECTED, Reason.UNKNOWN_RESERVATION, false);
    assertThat(step.outcome().subjectId()).isEqualTo("o-9");
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 10, 0));
    assertThat(step.state().reservation()).isNull();
    assertThat(step.state().applied().kind()).isEqualTo(AppliedId.Kind.UNMATCHED_EVENT);
    assertThat(step.state().applied().id()).isEqualTo(eventId);
  }
}
