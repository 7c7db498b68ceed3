package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderLineReleased;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The orders' invariant over a fold of a whole log: the lines of a decided order agree with it, and a line moved by
 * anything but its order (here a line command forged by an outside producer) is reported.
 */
class OrderAgreementTest {

  private static final Instant T = Instant.parse("2026-12-06T23:00:00Z");

  /** One partition of one: every record is where it belongs; what the fold appends is folded next. */
  private final PartitionFold<InMemoryInventoryStore> fold = PartitionFold.inMemory(0, 1, Duration.ofDays(7),
      RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
  private final List<OrderOutcome> orders = new ArrayList<>();
  private long offset;

  @Test
  void theLinesOfDecidedOrdersAgreeAndALineMovedBehindItsOrdersBackIsReported() {
    append(Events.received("A", "r-a", 10, T));
    append(Events.received("B", "r-b", 2, T));
    append(Events.placed("o-held", 600, List.of(new OrderPlaced.Line("A", 2), new OrderPlaced.Line("B", 1)), T));
    append(Events.placed("o-short", 600, List.of(new OrderPlaced.Line("A", 2), new OrderPlaced.Line("B", 5)), T));
    append(Events.placed("o-done", 600, List.of(new OrderPlaced.Line("A", 1)), T));
    append(Events.orderConfirmed("o-done", T));
    append(Events.placed("o-gone", 600, List.of(new OrderPlaced.Line("A", 1), new OrderPlaced.Line("B", 1)), T));
    append(Events.orderCancelled("o-gone", T));

    assertThat(orders).extracting(OrderOutcome::orderId, OrderOutcome::status).contains(
        org.assertj.core.groups.Tuple.tuple("o-held", OrderStatus.HELD),
        org.assertj.core.groups.Tuple.tuple("o-short", OrderStatus.REJECTED),
        org.assertj.core.groups.Tuple.tuple("o-done", OrderStatus.CONFIRMED),
        org.assertj.core.groups.Tuple.tuple("o-gone", OrderStatus.CANCELLED));
    assertThat(OrderAgreement.violations(List.of(fold))).isEmpty();

    // An outside producer releases one line of the held order behind its coordinator's back.
    append(new OrderLineReleased(Event.SCHEMA_VERSION, "forged-1", "B", T, "o-held", 9));
    assertThat(OrderAgreement.violations(List.of(fold))).containsExactly(
        "order o-held is HELD but its line on B is " + fold.state().reservation("B", "o-held").status());
  }

  /** Appends {@code event} to the one partition and folds it, then what it made the fold append, and so on. */
  private void append(Event first) {
    Deque<Event> log = new ArrayDeque<>(List.of(first));
    while (!log.isEmpty()) {
      Event e = log.poll();
      String key = e instanceof SkuEvent s ? s.sku() : ((OrderEvent) e).orderId();
      fold.apply(offset++, key.getBytes(StandardCharsets.UTF_8), EventCodec.encode(e), new ReplayListener() {
        @Override
        public void outcome(Position at, Outcome outcome) {}

        @Override
        public void order(Position at, OrderOutcome outcome) {
          orders.add(outcome);
        }

        @Override
        public void append(Position at, Event record) {
          log.add(record);
        }
      });
    }
  }
}
