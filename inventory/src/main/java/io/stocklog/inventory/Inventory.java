package io.stocklog.inventory;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Folds one partition's events into an {@link InventoryStore}, in log order. An order's own records ({@link
 * OrderEvent}) only move the clock here: the order's coordinator decides them; the commands it sends to an
 * order's lines ({@link OrderLineCommand}) are SKU events, decided here like reservations.
 *
 * <p>For each event: the partition clock moves to {@code max(clock, event.occurredAt)} (log time only ever
 * moves forward, and only by what the log says); every timer now due fires in deadline order (holds expire,
 * finished reservations past the retention are forgotten); then the event itself is decided by {@link
 * Fold}. Only the records the event names are read and written, and the deadline index is kept in step by
 * comparing the reservation before and after, so the cost of an event does not grow with the number of live
 * reservations.
 *
 * <p>Memory: receipts and adjustments are remembered for good (a replayed receipt must never count twice,
 * and they are few). Finished reservations, and confirms, cancels or extends that matched no reservation,
 * are forgotten {@code retention} of log time after they finished; after that, a repeat of the same order ID
 * is a new request. Not thread-safe: one instance per partition, as Kafka Streams runs one task per partition.
 */
public final class Inventory {

  /** How long finished reservations are remembered by default: repeats of an order a week old are new orders. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** The longest retention: ten years of log time, far from where {@code now + retention} could overflow. */
  public static final Duration MAX_RETENTION = Duration.ofDays(3650);

  private static final int TIMER_BATCH = 512;

  private final InventoryStore store;
  private final long retentionMillis;

  public Inventory(InventoryStore store, Duration retention) {
    this.store = Objects.requireNonNull(store, "store");
    Objects.requireNonNull(retention, "retention");
    if (retention.compareTo(Duration.ofMillis(1)) < 0 || retention.compareTo(MAX_RETENTION) > 0) {
      throw new IllegalArgumentException(
          "retention must be between 1 ms and " + MAX_RETENTION.toDays() + " days (was " + retention + ")");
    }
    this.retentionMillis = retention.toMillis();
  }

  public Inventory(InventoryStore store) {
    this(store, DEFAULT_RETENTION);
  }

  /** Decides one event at its place in the log; returns the outcomes in the order they happened. */
  public List<Outcome> apply(Event event) {
    List<Outcome> outcomes = new ArrayList<>(1);
    long now = advance(event.occurredAt().toEpochMilli());
    fireDue(now, event, outcomes);
    switch (event) {
      case SkuEvent e -> decide(e, now, outcomes);
      // Decided by the order's coordinator (io.stocklog.inventory.orders), over the same clock.
      case OrderEvent e -> { }
      case ClockTick tick -> { }
    }
    return outcomes;
  }

  private long advance(long time) {
    long clock = store.clock();
    if (time > clock) {
      store.clock(time);
      return time;
    }
    return clock;
  }

  private void fireDue(long now, Event cause, List<Outcome> outcomes) {
    List<Timer> due;
    do {
      due = store.due(now, TIMER_BATCH);
      for (Timer timer : due) {
        store.remove(timer);
        fire(timer, now, cause, outcomes);
      }
    } while (due.size() == TIMER_BATCH);
  }

  private void fire(Timer timer, long now, Event cause, List<Outcome> outcomes) {
    switch (timer.kind()) {
      case EXPIRE -> {
        Reservation r = store.reservation(timer.sku(), timer.id());
        if (r != null && r.status() == ReservationStatus.HELD && r.expiresAt() == timer.at()) {
          Step step = Fold.expire(stockOf(r.sku()), r, cause.eventId(), cause.type(), now);
          store.put(step.state().stock());
          store.put(step.state().reservation());
          store.add(new Timer(now + retentionMillis, Timer.Kind.FORGET_RESERVATION, r.sku(), r.orderId()));
          outcomes.add(step.outcome());
        }
      }
      case FORGET_RESERVATION -> {
        Reservation r = store.reservation(timer.sku(), timer.id());
        if (r != null && !r.status().live() && r.updatedAt() + retentionMillis <= timer.at()) {
          store.deleteReservation(timer.sku(), timer.id());
        }
      }
      case FORGET_EVENT -> {
        AppliedId a = store.applied(timer.sku(), AppliedId.Kind.UNMATCHED_EVENT, timer.id());
        if (a != null && a.at() + retentionMillis <= timer.at()) {
          store.deleteApplied(timer.sku(), AppliedId.Kind.UNMATCHED_EVENT, timer.id());
        }
      }
    }
  }

  private void decide(SkuEvent event, long now, List<Outcome> outcomes) {
    SkuState before = load(event);
    Step step = Fold.step(before, event, now);
    SkuState after = step.state();
    if (!after.stock().equals(before.stock())) {
      store.put(after.stock());
    }
    if (after.reservation() != before.reservation()) {
      store.put(after.reservation());
      index(before.reservation(), after.reservation(), now);
    }
    if (after.applied() != before.applied()) {
      AppliedId applied = after.applied();
      store.put(applied);
      if (applied.kind() == AppliedId.Kind.UNMATCHED_EVENT) {
        store.add(new Timer(now + retentionMillis, Timer.Kind.FORGET_EVENT, applied.sku(), applied.id()));
      }
    }
    outcomes.add(step.outcome());
  }

  /**
   * Keeps the deadline index in step with one reservation's change: an expiry while it runs out at a deadline
   * (HELD), none while an order's line is PREPARED (it holds its units but waits for its order), and forgetting
   * it once it has finished.
   */
  private void index(Reservation before, Reservation after, long now) {
    boolean wasTimed = before != null && before.status().expires();
    boolean isTimed = after.status().expires();
    if (wasTimed && (!isTimed || before.expiresAt() != after.expiresAt())) {
      store.remove(new Timer(before.expiresAt(), Timer.Kind.EXPIRE, before.sku(), before.orderId()));
    }
    if (isTimed && (!wasTimed || before.expiresAt() != after.expiresAt())) {
      store.add(new Timer(after.expiresAt(), Timer.Kind.EXPIRE, after.sku(), after.orderId()));
    }
    boolean wasLive = before != null && before.status().live();
    if (!after.status().live() && (before == null || wasLive)) {
      store.add(new Timer(now + retentionMillis, Timer.Kind.FORGET_RESERVATION, after.sku(), after.orderId()));
    }
  }

  private SkuState load(SkuEvent event) {
    StockLevel stored = store.stock(event.sku());
    // Counters exist once stock was received or adjusted into the SKU: that is what "has had stock" means.
    boolean stocked = stored != null;
    StockLevel stock = stocked ? stored : StockLevel.empty(event.sku());
    return switch (event) {
      case StockReceived e ->
          new SkuState(stock, null, store.applied(e.sku(), AppliedId.Kind.RECEIPT, e.receiptId()), stocked);
      case StockAdjusted e ->
          new SkuState(stock, null, store.applied(e.sku(), AppliedId.Kind.ADJUSTMENT, e.adjustmentId()), stocked);
      case ReservationRequested e -> new SkuState(stock, store.reservation(e.sku(), e.orderId()), null, stocked);
      case ReservationConfirmed e -> forOrder(stock, stocked, e, e.orderId());
      case ReservationCancelled e -> forOrder(stock, stocked, e, e.orderId());
      case ReservationExtended e -> forOrder(stock, stocked, e, e.orderId());
      case OrderLineCommand e -> new SkuState(stock, store.reservation(e.sku(), e.orderId()), null, stocked);
    };
  }

  private SkuState forOrder(StockLevel stock, boolean stocked, SkuEvent e, String orderId) {
    return new SkuState(stock, store.reservation(e.sku(), orderId),
        store.applied(e.sku(), AppliedId.Kind.UNMATCHED_EVENT, e.eventId()), stocked);
  }

  private StockLevel stockOf(String sku) {
    StockLevel stock = store.stock(sku);
    return stock != null ? stock : StockLevel.empty(sku);
  }
}
