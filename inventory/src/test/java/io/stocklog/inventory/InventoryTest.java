package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Events;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.StockReceived;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine over the in-memory store: log time, the deadline index and retention. */
class InventoryTest {

  private static final String SKU = "sku-1";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration RETENTION = Duration.ofMinutes(1);

  private final InMemoryInventoryStore store = new InMemoryInventoryStore();
  private final Inventory inventory = new Inventory(store);

  // --- expiry in log time

  @Test
  void holdIsStillHeldOneMillisecondBeforeItsDeadline() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.requested(SKU, "o-1", 3, 60, T0));

    List<Outcome> outcomes = inventory.apply(Events.received(SKU, "r-2", 1, at(59_999)));

    assertThat(decisions(outcomes)).containsExactly(Decision.RECEIVED);
    assertThat(status("o-1")).isEqualTo(ReservationStatus.HELD);
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 11, 3));
  }

  @Test
  void tickAtTheDeadlineExpiresTheHoldAndNamesTheTick() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.requested(SKU, "o-1", 3, 60, T0));
    ClockTick tick = Events.tick(at(60_000));

    List<Outcome> outcomes = inventory.apply(tick);

    assertThat(outcomes).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.EXPIRED);
      assertThat(o.subjectId()).isEqualTo("o-1");
      assertThat(o.eventId()).isEqualTo(tick.eventId());
      assertThat(o.eventType()).isEqualTo(ClockTick.TYPE);
      assertThat(o.reserved()).isZero();
      assertThat(o.decidedAt()).isEqualTo(at(60_000));
    });
    assertThat(status("o-1")).isEqualTo(ReservationStatus.EXPIRED);
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 0));
  }

  @Test
  void eventAtTheDeadlineExpiresTheHoldBeforeItIsDecidedItself() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.requested(SKU, "o-1", 3, 60, T0));
    StockReceived receipt = Events.received(SKU, "r-2", 1, at(60_000));

    List<Outcome> outcomes = inventory.apply(receipt);

    assertThat(decisions(outcomes)).containsExactly(Decision.EXPIRED, Decision.RECEIVED);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.eventId()).isEqualTo(receipt.eventId()));
    assertThat(outcomes.getFirst().eventType()).isEqualTo(StockReceived.TYPE);
    assertThat(outcomes.getFirst().subjectId()).isEqualTo("o-1");
    assertThat(outcomes.getLast().onHand()).isEqualTo(11);
    assertThat(outcomes.getLast().reserved()).isZero();
  }

  @Test
  void confirmAfterTheDeadlineIsRejectedBecauseTheHoldExpiredFirst() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.requested(SKU, "o-1", 3, 60, T0));
    ReservationConfirmed confirm = Events.confirmed(SKU, "o-1", at(60_001));

    List<Outcome> outcomes = inventory.apply(confirm);

    assertThat(decisions(outcomes)).containsExactly(Decision.EXPIRED, Decision.REJECTED);
    assertThat(outcomes.getLast().reason()).isEqualTo(Reason.EXPIRED);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.eventId()).isEqualTo(confirm.eventId()));
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 0));
    assertThat(status("o-1")).isEqualTo(ReservationStatus.EXPIRED);
  }

  @Test
  void eventWithAnOlderTimeDoesNotMoveTheClockBack() {
    inventory.apply(Events.tick(at(10_000)));

    List<Outcome> outcomes = inventory.apply(Events.received(SKU, "r-1", 10, T0));

    assertThat(store.clock()).isEqualTo(at(10_000).toEpochMilli());
    assertThat(outcomes).singleElement()
        .satisfies(o -> assertThat(o.decidedAt()).isEqualTo(at(10_000)));
  }

  @Test
  void lateRequestIsHeldForItsFullHoldFromTheClock() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.tick(at(10_000)));

    List<Outcome> held = inventory.apply(Events.requested(SKU, "o-1", 3, 60, at(1_000)));

    assertThat(held.getLast().expiresAt()).isEqualTo(at(70_000));
    assertThat(inventory.apply(Events.tick(at(69_999)))).isEmpty();
    assertThat(status("o-1")).isEqualTo(ReservationStatus.HELD);
    assertThat(decisions(inventory.apply(Events.tick(at(70_000))))).containsExactly(Decision.EXPIRED);
  }

  @Test
  void expiriesFireInDeadlineOrderAcrossSkus() {
    for (String sku : List.of("sku-a", "sku-b", "sku-c")) {
      inventory.apply(Events.received(sku, "r-1", 10, T0));
    }
    // Requested in an order that is neither the deadline order nor the SKU order.
    inventory.apply(Events.requested("sku-c", "o-c", 1, 30, T0));
    inventory.apply(Events.requested("sku-a", "o-a1", 1, 50, T0));
    inventory.apply(Events.requested("sku-b", "o-b", 1, 10, T0));
    inventory.apply(Events.requested("sku-a", "o-a2", 1, 20, T0));

    List<Outcome> outcomes = inventory.apply(Events.tick(at(100_000)));

    assertThat(outcomes).extracting(Outcome::decision).containsOnly(Decision.EXPIRED);
    assertThat(outcomes).extracting(Outcome::subjectId).containsExactly("o-b", "o-a2", "o-c", "o-a1");
    assertThat(outcomes).extracting(Outcome::expiresAt)
        .containsExactly(at(10_000), at(20_000), at(30_000), at(50_000));
  }

  @Test
  void extendMovesTheHoldsEntryInTheDeadlineIndex() {
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    inventory.apply(Events.requested(SKU, "o-1", 3, 60, T0));
    inventory.apply(Events.extended(SKU, "o-1", 120, at(30_000)));

    assertThat(inventory.apply(Events.tick(at(60_000)))).as("nothing at the old deadline").isEmpty();
    assertThat(status("o-1")).isEqualTo(ReservationStatus.HELD);
    assertThat(inventory.apply(Events.tick(at(149_999)))).isEmpty();

    List<Outcome> outcomes = inventory.apply(Events.tick(at(150_000)));

    assertThat(outcomes).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.EXPIRED);
      assertThat(o.expiresAt()).isEqualTo(at(150_000));
    });
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 0));
  }

  // --- retention

  @Test
  void finishedReservationIsForgottenAfterTheRetentionAndItsOrderIdIsNewAgain() {
    Inventory shortMemory = new Inventory(store, RETENTION);
    shortMemory.apply(Events.received(SKU, "r-1", 10, T0));
    shortMemory.apply(Events.requested(SKU, "o-1", 3, 600, T0));
    shortMemory.apply(Events.cancelled(SKU, "o-1", at(10_000)));

    shortMemory.apply(Events.tick(at(10_000 + 60_000 - 1)));
    assertThat(store.reservation(SKU, "o-1")).as("one millisecond before the retention ends").isNotNull();

    shortMemory.apply(Events.tick(at(10_000 + 60_000 + 1)));
    assertThat(store.reservation(SKU, "o-1")).isNull();

    List<Outcome> again = shortMemory.apply(Events.requested(SKU, "o-1", 3, 600, at(80_000)));
    assertThat(again).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.HELD);
      assertThat(o.duplicate()).isFalse();
      assertThat(o.expiresAt()).isEqualTo(at(680_000));
    });
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 3));
  }

  @Test
  void expiredReservationIsForgottenOneRetentionAfterItExpired() {
    Inventory shortMemory = new Inventory(store, RETENTION);
    shortMemory.apply(Events.received(SKU, "r-1", 10, T0));
    shortMemory.apply(Events.requested(SKU, "o-1", 3, 60, T0));
    shortMemory.apply(Events.tick(at(60_000)));

    shortMemory.apply(Events.tick(at(120_000 - 1)));
    assertThat(status("o-1")).isEqualTo(ReservationStatus.EXPIRED);

    shortMemory.apply(Events.tick(at(120_000 + 1)));
    assertThat(store.reservation(SKU, "o-1")).isNull();
  }

  @Test
  void unmatchedConfirmIsRememberedByEventIdSoItsRedeliveryStaysARepeat() {
    Inventory shortMemory = new Inventory(store, RETENTION);
    shortMemory.apply(Events.received(SKU, "r-1", 10, T0));
    ReservationConfirmed early = Events.confirmed(SKU, "o-1", T0);
    assertThat(shortMemory.apply(early)).singleElement().satisfies(o -> {
      assertThat(o.reason()).isEqualTo(Reason.UNKNOWN_RESERVATION);
      assertThat(o.duplicate()).isFalse();
    });
    shortMemory.apply(Events.requested(SKU, "o-1", 2, 600, at(1_000)));

    List<Outcome> redelivered = shortMemory.apply(early);

    assertThat(redelivered).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.REJECTED);
      assertThat(o.reason()).isEqualTo(Reason.UNKNOWN_RESERVATION);
      assertThat(o.duplicate()).isTrue();
    });
    assertThat(status("o-1")).isEqualTo(ReservationStatus.HELD);
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 2));
  }

  @Test
  void unmatchedConfirmIsForgottenAfterTheRetention() {
    Inventory shortMemory = new Inventory(store, RETENTION);
    shortMemory.apply(Events.received(SKU, "r-1", 10, T0));
    ReservationConfirmed early = Events.confirmed(SKU, "o-1", T0);
    shortMemory.apply(early);
    shortMemory.apply(Events.requested(SKU, "o-1", 2, 600, at(1_000)));

    shortMemory.apply(Events.tick(at(60_000 - 1)));
    assertThat(store.applied(SKU, AppliedId.Kind.UNMATCHED_EVENT, early.eventId())).isNotNull();

    shortMemory.apply(Events.tick(at(60_000 + 1)));
    assertThat(store.applied(SKU, AppliedId.Kind.UNMATCHED_EVENT, early.eventId())).isNull();
    // Forgotten: a redelivery now is decided afresh, against the reservation that exists by now.
    assertThat(shortMemory.apply(early)).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.CONFIRMED);
      assertThat(o.duplicate()).isFalse();
    });
  }

  @Test
  void receiptsAndAdjustmentsAreNeverForgotten() {
    Inventory shortMemory = new Inventory(store, RETENTION);
    shortMemory.apply(Events.received(SKU, "r-1", 10, T0));
    shortMemory.apply(Events.adjusted(SKU, "a-1", -2, "damaged", T0));
    for (int minute = 1; minute <= 10; minute++) {
      shortMemory.apply(Events.tick(T0.plus(Duration.ofMinutes(minute))));
    }
    Instant muchLater = T0.plus(Duration.ofDays(30));
    shortMemory.apply(Events.tick(muchLater));

    List<Outcome> receipt = shortMemory.apply(Events.received(SKU, "r-1", 10, muchLater));
    List<Outcome> adjustment = shortMemory.apply(Events.adjusted(SKU, "a-1", -2, "damaged", muchLater));

    assertThat(receipt).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.RECEIVED);
      assertThat(o.duplicate()).isTrue();
    });
    assertThat(adjustment).singleElement().satisfies(o -> {
      assertThat(o.decision()).isEqualTo(Decision.ADJUSTED);
      assertThat(o.duplicate()).isTrue();
    });
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 8, 0));
  }

  @Test
  void constructorRejectsZeroOrNegativeRetention() {
    assertThatThrownBy(() -> new Inventory(store, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> new Inventory(store, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
  }

  @Test
  void constructorRejectsRetentionShorterThanTheMillisecondsLogTimeCountsIn() {
    // A positive retention under 1 ms used to be accepted and truncated to 0 ms: everything finished was
    // forgotten by the very next event, even one at the same log time.
    assertThatThrownBy(() -> new Inventory(store, Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> new Inventory(store, Duration.ofNanos(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
  }

  @Test
  void retentionOfOneMillisecondStillRemembersAReservationThroughEventsAtTheSameLogTime() {
    Inventory shortest = new Inventory(store, Duration.ofMillis(1));
    shortest.apply(Events.received(SKU, "r-1", 10, T0));
    shortest.apply(Events.requested(SKU, "o-1", 3, 600, T0));
    shortest.apply(Events.cancelled(SKU, "o-1", at(1_000)));

    List<Outcome> repeat = shortest.apply(Events.requested(SKU, "o-1", 3, 600, at(1_000)));

    assertThat(repeat).singleElement().satisfies(o -> assertThat(o.duplicate()).isTrue());
    assertThat(store.stock(SKU)).isEqualTo(new StockLevel(SKU, 10, 0));
  }

  @Test
  void retentionTooLongForLogTimeIsRejectedOrHonouredNeverForgottenAtOnce() {
    assertRejectedOrHonoured(Duration.ofMillis(Long.MAX_VALUE));
  }

  @Test
  void retentionBeyondMillisecondRangeIsRejectedAsABadRetentionOrHonoured() {
    assertRejectedOrHonoured(Duration.ofSeconds(Long.MAX_VALUE));
  }

  // --- helpers

  /** A retention is either refused with a message naming it, or a finished reservation outlives the next event. */
  private void assertRejectedOrHonoured(Duration retention) {
    Throwable refused = catchThrowable(() -> new Inventory(store, retention));
    if (refused != null) {
      assertThat(refused).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
      return;
    }
    Inventory longMemory = new Inventory(store, retention);
    longMemory.apply(Events.received(SKU, "r-1", 10, T0));
    longMemory.apply(Events.requested(SKU, "o-1", 3, 600, T0));
    longMemory.apply(Events.cancelled(SKU, "o-1", at(1_000)));

    longMemory.apply(Events.tick(at(2_000)));

    assertThat(store.reservation(SKU, "o-1")).as("a cancelled reservation, a second after it finished").isNotNull();
  }

  private static Instant at(long millisAfterT0) {
    return T0.plusMillis(millisAfterT0);
  }

  private ReservationStatus status(String orderId) {
    Reservation r = store.reservation(SKU, orderId);
    assertThat(r).as("reservation %s", orderId).isNotNull();
    return r.status();
  }

  private static List<Decision> decisions(List<Outcome> outcomes) {
    return outcomes.stream().map(Outcome::decision).toList();
  }
}
