package io.stocklog.readmodel;

import io.stocklog.events.ClockTick;
import io.stocklog.events.ReservationRequested;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The read model's rules, without a database: which rows a sequence of outcomes leaves, and how far each events
 * partition is then applied. {@link ReadModelWriter} writes what this decides, one batch at a time (upserts) or a
 * whole rebuilt backlog at once ({@code COPY}).
 *
 * <ul>
 *   <li>Every outcome carries its SKU's counters after the decision: the SKU's row is its newest outcome by
 *       position that is not a rejection (a later outcome at an equal position wins: an event's own decision comes
 *       after the expiries its time triggered, all at its position). A rejection changes no counter, so it leaves
 *       the row as it is, and a SKU that only ever saw rejections (a mistyped SKU, {@code UNKNOWN_SKU}) has no row
 *       rather than one saying it is sold out.
 *   <li>A reservation's row is its newest outcome that says where the reservation now stands
 *       ({@link #reservationStatus}); other outcomes leave it alone.
 *   <li>An order's row is its newest {@link OrderOutcome} by position that is not a repeat (a repeat changed
 *       nothing) and is about an order that exists ({@link #changesOrder}): every order outcome carries the whole
 *       order after the decision (status, deadline, lines), so the newest one is the row.
 *   <li>A partition is applied through its last outcome's offset (SKU or order outcome alike: an order's outcomes
 *       are in its events partition, at the position of the record that caused them), or the offset before it
 *       when the batch ends between an event's expiries and its own decision ({@link #appliedThrough}).
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class OutcomeRows {

  private final Map<String, Placed> stock = new LinkedHashMap<>();
  private final Map<String, Placed> reservations = new LinkedHashMap<>();
  private final Map<String, PlacedOrder> orders = new LinkedHashMap<>();
  private final Map<Integer, Last> last = new TreeMap<>();

  /** An outcome with its parsed position. */
  public record Placed(Outcome outcome, Position position) {

    /** The later of two outcomes for one row: {@code candidate} unless it is older than {@code old}. */
    static Placed newer(Placed old, Placed candidate) {
      return candidate.position.compareTo(old.position) >= 0 ? candidate : old;
    }
  }

  /** An order's outcome with its parsed position. */
  public record PlacedOrder(OrderOutcome outcome, Position position) {

    static PlacedOrder newer(PlacedOrder old, PlacedOrder candidate) {
      return candidate.position.compareTo(old.position) >= 0 ? candidate : old;
    }
  }

  /** The last outcome seen of a partition: where it is, and whether its event may still have outcomes to come. */
  record Last(Position position, boolean incomplete) {

    static Last newer(Last old, Last candidate) {
      return candidate.position.compareTo(old.position) >= 0 ? candidate : old;
    }
  }

  /** Adds one outcome, which must carry its position. */
  public void add(Outcome outcome) {
    Objects.requireNonNull(outcome.position(), () -> "outcome " + outcome.eventId() + " has no position");
    Placed placed = new Placed(outcome, Position.parse(outcome.position()));
    if (touchesStock(outcome)) {
      stock.merge(outcome.sku(), placed, Placed::newer);
    }
    if (reservationStatus(outcome) != null) {
      reservations.merge(outcome.sku() + '\u0000' + outcome.subjectId(), placed, OutcomeRows::newerReservation);
    }
    seen(placed.position, outcome.decision(), outcome.eventType());
  }

  /**
   * The newer of two outcomes of one reservation; when it gives no deadline (an order's line prepared or released
   * says none), the row keeps the one it had, as the upsert's {@code coalesce} does, so a rebuild's {@code COPY}
   * of the newest outcome writes the same row as the upserts of every outcome in turn.
   */
  private static Placed newerReservation(Placed old, Placed candidate) {
    Placed newer = Placed.newer(old, candidate);
    Placed other = newer == candidate ? old : candidate;
    Outcome o = newer.outcome;
    if (o.expiresAt() != null || other.outcome.expiresAt() == null || newer == old) {
      return newer;
    }
    return new Placed(new Outcome(o.eventId(), o.eventType(), o.sku(), o.subjectId(), o.decision(), o.reason(),
        o.quantity(), o.onHand(), o.reserved(), other.outcome.expiresAt(), o.duplicate(), o.decidedAt(),
        o.position()), newer.position);
  }

  /** Adds one order's outcome, which must carry its position. */
  public void add(OrderOutcome outcome) {
    Objects.requireNonNull(outcome.position(), () -> "order outcome " + outcome.eventId() + " has no position");
    PlacedOrder placed = new PlacedOrder(outcome, Position.parse(outcome.position()));
    if (changesOrder(outcome)) {
      orders.merge(outcome.orderId(), placed, PlacedOrder::newer);
    }
    seen(placed.position, outcome.decision(), outcome.eventType());
  }

  private void seen(Position at, Decision decision, String eventType) {
    boolean incomplete = decision == Decision.EXPIRED && !ClockTick.TYPE.equals(eventType);
    last.merge(at.partition(), new Last(at, incomplete), Last::newer);
  }

  /** The newest outcome of every SKU seen, in first-seen order. */
  public Collection<Placed> stock() {
    return Collections.unmodifiableCollection(stock.values());
  }

  /**
   * The newest outcome of every reservation an outcome touched, in first-seen order; its deadline, when it gives
   * none, the one an older outcome gave.
   */
  public Collection<Placed> reservations() {
    return Collections.unmodifiableCollection(reservations.values());
  }

  /** How far each partition is applied once these rows are in (see {@link #appliedThrough}). */
  public Map<Integer, Long> applied() {
    return appliedThrough(last);
  }

  /** The newest outcome of every order an order outcome changed, in first-seen order. */
  public Collection<PlacedOrder> orders() {
    return Collections.unmodifiableCollection(orders.values());
  }

  public int orderRows() {
    return orders.size();
  }

  public int stockRows() {
    return stock.size();
  }

  public int reservationRows() {
    return reservations.size();
  }

  /**
   * How far each partition is applied once a batch whose last outcome per partition is {@code last} is in.
   * An event's outcomes are the SKU expiries it triggered, then its own SKU decision, then the orders' expiries
   * its time triggered, then its own order decisions, and a batch can end between them: if the last is an expiry
   * (of a hold or of an order) caused by an event other than a clock tick (which has no decision of its own),
   * that event's decision is still to come, so only the offset before it is complete. (A batch ending between an
   * event's SKU decision and the order expiries its time triggered says the event is applied one batch early:
   * those expiries are rare, and land with the next batch.)
   */
  static Map<Integer, Long> appliedThrough(Map<Integer, Last> last) {
    Map<Integer, Long> applied = new TreeMap<>();
    last.forEach((partition, l) ->
        applied.put(partition, l.incomplete ? l.position.offset() - 1 : l.position.offset()));
    return applied;
  }

  /**
   * Whether an order's outcome writes the order's row: not a repeat (nothing changed) and not about an order that
   * was never placed ({@code UNKNOWN_ORDER}, no status). Every other one carries the whole order after it.
   */
  public static boolean changesOrder(OrderOutcome outcome) {
    return !outcome.duplicate() && outcome.status() != null;
  }

  /** A REJECTED order's reason: its first refused line's; null for an order in any other status. */
  public static Reason rejectReason(OrderOutcome outcome) {
    if (outcome.status() != OrderStatus.REJECTED) {
      return null;
    }
    for (OrderOutcome.Line l : outcome.lines()) {
      if (l.reason() != null) {
        return l.reason();
      }
    }
    return outcome.reason();
  }

  /** Whether an outcome writes its SKU's row: every one but a rejection, which changed nothing. */
  public static boolean touchesStock(Outcome outcome) {
    return outcome.decision() != Decision.REJECTED;
  }

  /**
   * The reservation status an outcome sets, or null when it leaves the row alone: repeated IDs change
   * nothing, and a rejection other than a refused request (out of stock, or a SKU that never had stock) is about
   * an event, not the reservation.
   */
  public static ReservationStatus reservationStatus(Outcome outcome) {
    if (outcome.duplicate()) {
      return null;
    }
    return switch (outcome.decision()) {
      case HELD, EXTENDED -> ReservationStatus.HELD;
      // An order's line prepared to be confirmed: it holds its units and no longer expires, shown as it is.
      case PREPARED -> ReservationStatus.PREPARED;
      case CONFIRMED -> ReservationStatus.CONFIRMED;
      case CANCELLED -> ReservationStatus.CANCELLED;
      case EXPIRED -> ReservationStatus.EXPIRED;
      case REJECTED -> ReservationRequested.TYPE.equals(outcome.eventType())
          && (outcome.reason() == Reason.OUT_OF_STOCK || outcome.reason() == Reason.UNKNOWN_SKU)
          ? ReservationStatus.REJECTED : null;
      case RECEIVED, ADJUSTED, PENDING -> null;
    };
  }
}
