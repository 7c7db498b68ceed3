package io.stocklog.command;

import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The first outcome of each ID-bearing request seen on the outcomes topic, so a repeated ID can be answered
 * with its original outcome without appending it again. Bounded: the least recently used entry goes once
 * {@code capacity} is reached (0 remembers nothing).
 *
 * <p>ID-bearing requests are receipts (by receiptId), adjustments (by adjustmentId) and reservation requests
 * (by orderId), keyed with their event type and SKU, as the projector keys them. Only a first decision is
 * kept: never a duplicate, an ID conflict or an expiry (which carries its causing event's type but is about
 * another order). The hazard is staleness in one direction only: an entry can be missing (evicted, or decided
 * before this instance started), never wrong, because a first decision never changes, not even when it was read
 * before its transaction committed and that transaction aborted: the redo decides it the same way (see
 * {@link OutcomeFollower}).
 */
final class FirstOutcomes {

  /** An ID as the projector keys it. */
  record Key(String eventType, String sku, String subjectId) {}

  /** A request's ID and the amount its body carries (quantity, or an adjustment's delta). */
  record Use(Key key, long amount) {}

  private final int capacity;
  private final LinkedHashMap<Key, Outcome> entries;

  FirstOutcomes(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 (was " + capacity + ")");
    }
    this.capacity = capacity;
    // Access order: a lookup keeps an entry alive, so eviction drops the least recently used.
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Outcome> eldest) {
        return size() > FirstOutcomes.this.capacity;
      }
    };
  }

  /** The ID a command's event uses, if it has one the projector deduplicates by body. */
  static Optional<Use> use(SkuEvent event) {
    return switch (event) {
      case StockReceived e -> Optional.of(new Use(new Key(e.type(), e.sku(), e.receiptId()), e.quantity()));
      case StockAdjusted e -> Optional.of(new Use(new Key(e.type(), e.sku(), e.adjustmentId()), e.delta()));
      case ReservationRequested e -> Optional.of(new Use(new Key(e.type(), e.sku(), e.orderId()), e.quantity()));
      case ReservationConfirmed e -> Optional.empty();
      case ReservationCancelled e -> Optional.empty();
      case ReservationExtended e -> Optional.empty();
      // Written by an order's coordinator, never through the command service.
      case OrderLineCommand e -> Optional.empty();
    };
  }

  /** The key of an outcome about an ID-bearing request; empty for any other. */
  static Optional<Key> keyOf(Outcome o) {
    boolean idBearing = switch (o.eventType()) {
      case StockReceived.TYPE, StockAdjusted.TYPE, ReservationRequested.TYPE -> o.decision() != Decision.EXPIRED;
      default -> false;
    };
    return idBearing ? Optional.of(new Key(o.eventType(), o.sku(), o.subjectId())) : Optional.empty();
  }

  /** Whether {@code o} is the first decision of an ID-bearing request, with the position it was made at. */
  static boolean isFirst(Outcome o) {
    return !o.duplicate() && o.reason() != Reason.ID_CONFLICT && o.position() != null && keyOf(o).isPresent();
  }

  /** Remembers {@code o} if it is a first decision; an ID already remembered keeps its first outcome. */
  synchronized void record(Outcome o) {
    if (capacity > 0 && isFirst(o)) {
      entries.putIfAbsent(keyOf(o).orElseThrow(), o);
    }
  }

  /** False when nothing is remembered (capacity 0), so a reader can skip parsing outcomes for it. */
  boolean enabled() {
    return capacity > 0;
  }

  synchronized Optional<Outcome> first(Key key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized int size() {
    return entries.size();
  }

  /** The original outcome as the answer to a repeat: all of it, marked {@code duplicate}. */
  static Outcome asRepeat(Outcome first) {
    return new Outcome(first.eventId(), first.eventType(), first.sku(), first.subjectId(), first.decision(),
        first.reason(), first.quantity(), first.onHand(), first.reserved(), first.expiresAt(), true,
        first.decidedAt(), first.position());
  }
}
