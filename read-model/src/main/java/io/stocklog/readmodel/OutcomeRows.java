package io.stocklog.readmodel;

import io.stocklog.events.ClockTick;
import io.stocklog.events.ReservationRequested;
import io.stocklog.outcomes.Decision;
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
 *   <li>A partition is applied through its last outcome's offset, or the offset before it when the batch ends
 *       between an event's expiries and its own decision ({@link #appliedThrough}).
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class OutcomeRows {

  private final Map<String, Placed> stock = new LinkedHashMap<>();
  private final Map<String, Placed> reservations = new LinkedHashMap<>();
  private final Map<Integer, Placed> last = new TreeMap<>();

  /** An outcome with its parsed position. */
  public record Placed(Outcome outcome, Position position) {

    /** The later of two outcomes for one row: {@code candidate} unless it is older than {@code old}. */
    static Placed newer(Placed old, Placed candidate) {
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
      reservations.merge(outcome.sku() + '\u0000' + outcome.subjectId(), placed, Placed::newer);
    }
    last.merge(placed.position.partition(), placed, Placed::newer);
  }

  /** The newest outcome of every SKU seen, in first-seen order. */
  public Collection<Placed> stock() {
    return Collections.unmodifiableCollection(stock.values());
  }

  /** The newest outcome of every reservation an outcome touched, in first-seen order. */
  public Collection<Placed> reservations() {
    return Collections.unmodifiableCollection(reservations.values());
  }

  /** How far each partition is applied once these rows are in (see {@link #appliedThrough}). */
  public Map<Integer, Long> applied() {
    return appliedThrough(last);
  }

  public int stockRows() {
    return stock.size();
  }

  public int reservationRows() {
    return reservations.size();
  }

  /**
   * How far each partition is applied once a batch whose last outcome per partition is {@code last} is in.
   * An event's outcomes are the expiries it triggered, then its own decision, and a batch can end between
   * them: if the last is an expiry caused by an event other than a clock tick (which has no decision of
   * its own), that event's decision is still to come, so only the offset before it is complete.
   */
  static Map<Integer, Long> appliedThrough(Map<Integer, Placed> last) {
    Map<Integer, Long> applied = new TreeMap<>();
    last.forEach((partition, placed) -> {
      Outcome o = placed.outcome;
      boolean incomplete = o.decision() == Decision.EXPIRED && !ClockTick.TYPE.equals(o.eventType());
      applied.put(partition, incomplete ? placed.position.offset() - 1 : placed.position.offset());
    });
    return applied;
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
      // An order's line prepared to be confirmed still holds its units: HELD here until the read model has orders.
      case PREPARED -> ReservationStatus.HELD;
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
