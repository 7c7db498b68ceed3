package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Events;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FirstOutcomesTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Outcome outcome(String type, String subject, Decision decision, Reason reason, boolean duplicate,
      String position) {
    return new Outcome("e-" + subject, type, "sku", subject, decision, reason, 2, 10, 2, null, duplicate, T,
        position);
  }

  private static FirstOutcomes.Key key(String type, String subject) {
    return new FirstOutcomes.Key(type, "sku", subject);
  }

  @Test
  void remembersTheFirstDecisionOfAnIdAndKeepsItAgainstLaterOnes() {
    FirstOutcomes cache = new FirstOutcomes(10);
    Outcome first = outcome(ReservationRequested.TYPE, "o-1", Decision.HELD, null, false, "0-1");

    cache.record(first);
    cache.record(outcome(ReservationRequested.TYPE, "o-1", Decision.REJECTED, Reason.OUT_OF_STOCK, false, "0-9"));

    assertThat(cache.first(key(ReservationRequested.TYPE, "o-1"))).contains(first);
  }

  @Test
  void neverRemembersDuplicatesConflictsExpiriesOrRequestsWithoutAnId() {
    FirstOutcomes cache = new FirstOutcomes(10);

    cache.record(outcome(StockReceived.TYPE, "r-1", Decision.RECEIVED, null, true, "0-1"));
    cache.record(outcome(StockReceived.TYPE, "r-2", Decision.REJECTED, Reason.ID_CONFLICT, false, "0-2"));
    cache.record(outcome(ReservationRequested.TYPE, "o-3", Decision.EXPIRED, null, false, "0-3"));
    cache.record(outcome("ReservationConfirmed", "o-4", Decision.CONFIRMED, null, false, "0-4"));
    cache.record(outcome(StockReceived.TYPE, "r-5", Decision.RECEIVED, null, false, null));

    assertThat(cache.size()).isZero();
  }

  @Test
  void dropsTheLeastRecentlyUsedBeyondItsCapacity() {
    FirstOutcomes cache = new FirstOutcomes(2);
    cache.record(outcome(StockReceived.TYPE, "r-1", Decision.RECEIVED, null, false, "0-1"));
    cache.record(outcome(StockReceived.TYPE, "r-2", Decision.RECEIVED, null, false, "0-2"));
    cache.first(key(StockReceived.TYPE, "r-1"));

    cache.record(outcome(StockReceived.TYPE, "r-3", Decision.RECEIVED, null, false, "0-3"));

    assertThat(cache.first(key(StockReceived.TYPE, "r-1"))).isPresent();
    assertThat(cache.first(key(StockReceived.TYPE, "r-2"))).isEmpty();
    assertThat(cache.first(key(StockReceived.TYPE, "r-3"))).isPresent();
  }

  @Test
  void capacityZeroRemembersNothing() {
    FirstOutcomes cache = new FirstOutcomes(0);
    cache.record(outcome(StockReceived.TYPE, "r-1", Decision.RECEIVED, null, false, "0-1"));

    assertThat(cache.enabled()).isFalse();
    assertThat(cache.size()).isZero();
  }

  @Test
  void anEventsIdAndAmountAreWhatTheProjectorComparesByTypeSkuAndId() {
    assertThat(FirstOutcomes.use(Events.received("sku", "r-1", 5, T)))
        .contains(new FirstOutcomes.Use(key(StockReceived.TYPE, "r-1"), 5));
    assertThat(FirstOutcomes.use(Events.adjusted("sku", "a-1", -3, "damaged", T)))
        .contains(new FirstOutcomes.Use(key(StockAdjusted.TYPE, "a-1"), -3));
    assertThat(FirstOutcomes.use(Events.requested("sku", "o-1", 2, 60, T)))
        .contains(new FirstOutcomes.Use(key(ReservationRequested.TYPE, "o-1"), 2));
    assertThat(FirstOutcomes.use(Events.confirmed("sku", "o-1", T))).isEmpty();
  }

  @Test
  void aRepeatIsTheWholeOriginalMarkedDuplicate() {
    Outcome first = outcome(ReservationRequested.TYPE, "o-1", Decision.HELD, null, false, "0-1");

    assertThat(FirstOutcomes.asRepeat(first))
        .usingRecursiveComparison().ignoringFields("duplicate").isEqualTo(first);
    assertThat(FirstOutcomes.asRepeat(first).duplicate()).isTrue();
  }
}
