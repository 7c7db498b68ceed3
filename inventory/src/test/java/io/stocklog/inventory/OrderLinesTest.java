package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.OrderLineConfirmed;
import io.stocklog.events.OrderLineExtended;
import io.stocklog.events.OrderLinePrepared;
import io.stocklog.events.OrderLineReleased;
import io.stocklog.events.OrderLineRequested;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One example per rule of an order's line on its SKU, through {@link Fold#step} as {@link Inventory} calls it. */
class OrderLinesTest {

  private static final String SKU = "sku-1";
  private static final String ORDER = "o-9";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final long NOW = T0.toEpochMilli();
  private static final Instant DEADLINE = T0.plusSeconds(60);

  private static SkuState stock(long onHand, long reserved) {
    return new SkuState(new StockLevel(SKU, onHand, reserved), null, null, true);
  }

  private static OrderLineRequested request(long quantity, Instant deadline) {
    return new OrderLineRequested(Event.SCHEMA_VERSION, "ol-hold", SKU, T0, ORDER, 1, quantity, deadline);
  }

  private static SkuState held() {
    return Fold.step(stock(5, 0), request(2, DEADLINE), NOW).state();
  }

  private static SkuState prepared() {
    return Fold.step(held(), new OrderLinePrepared(Event.SCHEMA_VERSION, "ol-prep", SKU, T0, ORDER, 2), NOW).state();
  }

  private static void assertOutcome(Outcome o, Decision decision, Reason reason) {
    assertThat(o.decision()).isEqualTo(decision);
    assertThat(o.reason()).isEqualTo(reason);
    assertThat(o.subjectId()).isEqualTo(ORDER);
  }

  @Test
  void aLineIsHeldUntilTheOrdersDeadlineWhenAvailableCoversIt() {
    Step step = Fold.step(stock(5, 1), request(2, DEADLINE), NOW);

    assertOutcome(step.outcome(), Decision.HELD, null);
    assertThat(step.state().stock()).isEqualTo(new StockLevel(SKU, 5, 3));
    Reservation line = step.state().reservation();
    assertThat(line.line()).isTrue();
    assertThat(line.expiresAt()).as("the order's deadline, not one computed here").isEqualTo(DEADLINE.toEpochMilli());
  }

  @Test
  void aLineAskingForMoreThanIsAvailableIsRefusedOutOfStockAndHoldsNothing() {
    Step step = Fold.step(stock(5, 4), request(2, DEADLINE), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.OUT_OF_STOCK);
    assertThat(step.outcome().available()).isEqualTo(1);
    assertThat(step.state().stock().reserved()).isEqualTo(4);
    assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.REJECTED);
  }

  @Test
  void aLineWhoseDeadlineThisPartitionHasPassedIsRefusedExpiredNeverHeldAlreadyExpired() {
    Step step = Fold.step(stock(5, 0), request(2, DEADLINE), DEADLINE.toEpochMilli());

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.EXPIRED);
    assertThat(step.state().stock().reserved()).isZero();
  }

  @Test
  void theSameRequestAgainChangesNothingAndYieldsTheFirstDecision() {
    SkuState first = held();

    Step again = Fold.step(first, request(2, DEADLINE), NOW + 5);

    assertOutcome(again.outcome(), Decision.HELD, null);
    assertThat(again.outcome().duplicate()).isTrue();
    assertThat(again.state()).isEqualTo(first);
  }

  @Test
  void aLineUnderTheIdOfASingleSkuReservationIsRefusedAndTheReservationUntouched() {
    SkuState reserved = Fold.step(stock(5, 0), Events.requested(SKU, ORDER, 1, 600, T0), NOW).state();

    Step step = Fold.step(reserved, request(2, DEADLINE), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.ID_CONFLICT);
    assertThat(step.state()).isEqualTo(reserved);
  }

  @Test
  void aReservationRequestUnderTheIdOfALineIsRefusedAsAnIdConflict() {
    SkuState line = held();

    Step step = Fold.step(line, Events.requested(SKU, ORDER, 2, 60, T0), NOW);

    assertOutcome(step.outcome(), Decision.REJECTED, Reason.ID_CONFLICT);
    assertThat(step.state()).isEqualTo(line);
  }

  @Test
  void aSingleSkuConfirmCancelOrExtendOfALineIsRefusedAsAnOrdersLine() {
    SkuState line = held();

    for (var e : java.util.List.of(Events.confirmed(SKU, ORDER, T0), Events.cancelled(SKU, ORDER, T0),
        Events.extended(SKU, ORDER, 600, T0))) {
      Step step = Fold.step(line, e, NOW);
      assertOutcome(step.outcome(), Decision.REJECTED, Reason.ORDER_LINE);
      assertThat(step.state()).isEqualTo(line);
    }
  }

  @Test
  void aPreparedLineKeepsItsUnitsAndNoLongerExpires() {
    SkuState prepared = prepared();

    assertThat(prepared.reservation().status()).isEqualTo(ReservationStatus.PREPARED);
    assertThat(prepared.reservation().status().expires()).isFalse();
    assertThat(prepared.stock().reserved()).isEqualTo(2);
  }

  @Test
  void onlyAPreparedLineIsConfirmedSoAHeldOneNeverIs() {
    OrderLineConfirmed confirm = new OrderLineConfirmed(Event.SCHEMA_VERSION, "ol-conf", SKU, T0, ORDER, 3);

    Step ofHeld = Fold.step(held(), confirm, NOW);
    Step ofPrepared = Fold.step(prepared(), confirm, NOW);

    assertOutcome(ofHeld.outcome(), Decision.REJECTED, Reason.NOT_HELD);
    assertThat(ofHeld.state().stock()).isEqualTo(new StockLevel(SKU, 5, 2));
    assertOutcome(ofPrepared.outcome(), Decision.CONFIRMED, null);
    assertThat(ofPrepared.state().stock()).isEqualTo(new StockLevel(SKU, 3, 0));
  }

  @Test
  void aReleaseFreesAHeldOrPreparedLine() {
    OrderLineReleased release = new OrderLineReleased(Event.SCHEMA_VERSION, "ol-rel", SKU, T0, ORDER, 2);

    for (SkuState line : java.util.List.of(held(), prepared())) {
      Step step = Fold.step(line, release, NOW);
      assertOutcome(step.outcome(), Decision.CANCELLED, null);
      assertThat(step.state().stock().reserved()).isZero();
      assertThat(step.state().reservation().status()).isEqualTo(ReservationStatus.CANCELLED);
    }
  }

  @Test
  void anExtendNeverShortensTheLine() {
    OrderLineExtended longer = new OrderLineExtended(Event.SCHEMA_VERSION, "ol-x", SKU, T0, ORDER, 2,
        DEADLINE.plusSeconds(30));
    OrderLineExtended shorter = new OrderLineExtended(Event.SCHEMA_VERSION, "ol-y", SKU, T0, ORDER, 2,
        DEADLINE.minusSeconds(30));

    assertThat(Fold.step(held(), longer, NOW).state().reservation().expiresAt())
        .isEqualTo(DEADLINE.plusSeconds(30).toEpochMilli());
    assertThat(Fold.step(held(), shorter, NOW).state().reservation().expiresAt())
        .isEqualTo(DEADLINE.toEpochMilli());
  }

  @Test
  void aLineExpiresByItsPartitionClockLikeAHoldButAPreparedOneDoesNot() {
    InMemoryInventoryStore store = new InMemoryInventoryStore();
    Inventory inventory = new Inventory(store);
    inventory.apply(Events.received(SKU, "r-1", 5, T0));
    inventory.apply(request(2, DEADLINE));
    inventory.apply(new OrderLineRequested(Event.SCHEMA_VERSION, "ol-2", SKU, T0, "o-10", 1, 1, DEADLINE));
    inventory.apply(new OrderLinePrepared(Event.SCHEMA_VERSION, "ol-3", SKU, T0, "o-10", 2));

    inventory.apply(Events.tick(DEADLINE));

    assertThat(store.reservation(SKU, ORDER).status()).isEqualTo(ReservationStatus.EXPIRED);
    assertThat(store.reservation(SKU, "o-10").status()).isEqualTo(ReservationStatus.PREPARED);
    assertThat(store.stock(SKU).reserved()).isEqualTo(1);
    assertThat(store.timers()).as("no expiry kept for the prepared line")
        .noneMatch(t -> t.kind() == Timer.Kind.EXPIRE);
    assertThat(Timers.of(store.reservation(SKU, "o-10"), Inventory.DEFAULT_RETENTION))
        .as("nor rebuilt for it from the records").isEmpty();
  }
}
