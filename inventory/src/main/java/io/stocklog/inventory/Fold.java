package io.stocklog.inventory;

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
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;

/**
 * The inventory rules as plain functions: {@code (state, event, now) -> (state, outcome)}. No I/O, no clock:
 * {@code now} is the log time at the event's place in its partition, so folding the same log always gives
 * the same states and outcomes.
 *
 * <p>Rules: a request is HELD iff {@code available >= quantity} at its place in the log, else rejected
 * {@link Reason#OUT_OF_STOCK}, or {@link Reason#UNKNOWN_SKU} when the SKU has never had stock (no receipt or
 * adjustment was ever applied to it); a rejected request has no deadline;
 * a HELD reservation becomes CONFIRMED (onHand and reserved drop), CANCELLED or EXPIRED (reserved drops);
 * a confirm, cancel or extend of a reservation that is no longer held is rejected with the reason; an
 * adjustment that would make available negative is rejected; a repeated ID changes nothing and yields the
 * first decision again, marked {@code duplicate}; a repeated ID with a different body is rejected as
 * {@link Reason#ID_CONFLICT} and changes nothing. An order's lines are decided by {@link OrderLines}; a single-SKU
 * request under the order ID of an order's line on the SKU is an {@link Reason#ID_CONFLICT}, and a single-SKU
 * confirm, cancel or extend of such a line is refused {@link Reason#ORDER_LINE}.
 */
public final class Fold {

  private Fold() {}

  public static Step step(SkuState state, SkuEvent event, long now) {
    return switch (event) {
      case StockReceived e -> receive(state, e, now);
      case StockAdjusted e -> adjust(state, e, now);
      case ReservationRequested e -> request(state, e, now);
      case ReservationConfirmed e -> confirm(state, e, now);
      case ReservationCancelled e -> cancel(state, e, now);
      case ReservationExtended e -> extend(state, e, now);
      case OrderLineCommand e -> OrderLines.step(state, e, now);
    };
  }

  /** A held reservation whose deadline the clock has reached: its units are available again. */
  public static Step expire(StockLevel stock, Reservation held, String causeEventId, String causeType, long now) {
    if (held.status() != ReservationStatus.HELD || held.expiresAt() > now) {
      throw new IllegalArgumentException("only a held reservation past its deadline expires: " + held);
    }
    StockLevel after = stock.plusReserved(-held.quantity());
    Reservation expired = held.with(ReservationStatus.EXPIRED, now);
    Outcome outcome = outcome(causeEventId, causeType, after, held.orderId(), Decision.EXPIRED, null,
        held.quantity(), expired.expiresAt(), false, now);
    return new Step(new SkuState(after, expired, null, true), outcome);
  }

  private static Step receive(SkuState state, StockReceived e, long now) {
    AppliedId seen = state.applied();
    if (seen != null) {
      return repeat(state, e, seen, seen.amount() == e.quantity(), now);
    }
    StockLevel after = state.stock().plusOnHand(e.quantity());
    AppliedId applied = new AppliedId(e.sku(), AppliedId.Kind.RECEIPT, e.receiptId(), e.quantity(), null,
        Decision.RECEIVED, null, now);
    return new Step(state.with(after).with(applied),
        outcome(e, after, e.receiptId(), Decision.RECEIVED, null, e.quantity(), null, false, now));
  }

  private static Step adjust(SkuState state, StockAdjusted e, long now) {
    AppliedId seen = state.applied();
    if (seen != null) {
      return repeat(state, e, seen, seen.amount() == e.delta() && e.reason().equals(seen.note()), now);
    }
    StockLevel stock = state.stock();
    boolean fits = stock.available() + e.delta() >= 0;
    Decision decision = fits ? Decision.ADJUSTED : Decision.REJECTED;
    Reason reason = fits ? null : Reason.INSUFFICIENT_STOCK;
    StockLevel after = fits ? stock.plusOnHand(e.delta()) : stock;
    AppliedId applied = new AppliedId(e.sku(), AppliedId.Kind.ADJUSTMENT, e.adjustmentId(), e.delta(),
        e.reason(), decision, reason, now);
    return new Step(state.with(after).with(applied),
        outcome(e, after, e.adjustmentId(), decision, reason, e.delta(), null, false, now));
  }

  private static Step request(SkuState state, ReservationRequested e, long now) {
    Reservation seen = state.reservation();
    StockLevel stock = state.stock();
    if (seen != null) {
      // An order's line under this order ID: the ID is taken on this SKU, whatever the body.
      boolean same = !seen.line() && seen.quantity() == e.quantity() && seen.holdSeconds() == e.holdSeconds();
      Decision first = seen.status() == ReservationStatus.REJECTED ? Decision.REJECTED : Decision.HELD;
      Decision decision = same ? first : Decision.REJECTED;
      Reason reason = same ? seen.rejectReason() : Reason.ID_CONFLICT;
      return new Step(state,
          outcome(e, stock, e.orderId(), decision, reason, seen.quantity(), deadlineOf(seen), true, now));
    }
    // The hold runs from the request, or from the partition's clock if the request arrives late, so a
    // reservation is never held already past its deadline.
    long deadline = Math.max(e.occurredAt().toEpochMilli(), now) + e.holdSeconds() * 1000L;
    if (stock.available() >= e.quantity()) {
      StockLevel after = stock.plusReserved(e.quantity());
      Reservation held = new Reservation(e.sku(), e.orderId(), e.quantity(), e.holdSeconds(),
          ReservationStatus.HELD, null, deadline, now);
      return new Step(state.with(after).with(held),
          outcome(e, after, e.orderId(), Decision.HELD, null, e.quantity(), deadline, false, now));
    }
    Reason reason = state.stocked() ? Reason.OUT_OF_STOCK : Reason.UNKNOWN_SKU;
    Reservation rejected = new Reservation(e.sku(), e.orderId(), e.quantity(), e.holdSeconds(),
        ReservationStatus.REJECTED, reason, deadline, now);
    // Nothing is held, so there is nothing to expire: the outcome has no deadline.
    return new Step(state.with(rejected),
        outcome(e, stock, e.orderId(), Decision.REJECTED, reason, e.quantity(), null, false, now));
  }

  /** A reservation's deadline as outcomes show it: none for a request that was rejected, which never held. */
  static Long deadlineOf(Reservation r) {
    return r.status() == ReservationStatus.REJECTED ? null : r.expiresAt();
  }

  private static Step confirm(SkuState state, ReservationConfirmed e, long now) {
    Reservation r = state.reservation();
    if (r == null || state.applied() != null) {
      return unmatched(state, e, e.orderId(), now);
    }
    if (r.line()) {
      return orderLine(state, e, r, now);
    }
    return switch (r.status()) {
      case HELD -> {
        StockLevel after = state.stock().ship(r.quantity());
        Reservation confirmed = r.with(ReservationStatus.CONFIRMED, now);
        yield new Step(state.with(after).with(confirmed),
            outcome(e, after, r.orderId(), Decision.CONFIRMED, null, r.quantity(), r.expiresAt(), false, now));
      }
      case CONFIRMED -> same(state, e, r, Decision.CONFIRMED, null, true, now);
      case CANCELLED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CANCELLED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
      case PREPARED -> throw new IllegalStateException("a reservation that is not an order's line is PREPARED: " + r);
    };
  }

  private static Step cancel(SkuState state, ReservationCancelled e, long now) {
    Reservation r = state.reservation();
    if (r == null || state.applied() != null) {
      return unmatched(state, e, e.orderId(), now);
    }
    if (r.line()) {
      return orderLine(state, e, r, now);
    }
    return switch (r.status()) {
      case HELD -> {
        StockLevel after = state.stock().plusReserved(-r.quantity());
        Reservation cancelled = r.with(ReservationStatus.CANCELLED, now);
        yield new Step(state.with(after).with(cancelled),
            outcome(e, after, r.orderId(), Decision.CANCELLED, null, r.quantity(), r.expiresAt(), false, now));
      }
      case CANCELLED -> same(state, e, r, Decision.CANCELLED, null, true, now);
      case CONFIRMED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CONFIRMED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
      case PREPARED -> throw new IllegalStateException("a reservation that is not an order's line is PREPARED: " + r);
    };
  }

  private static Step extend(SkuState state, ReservationExtended e, long now) {
    Reservation r = state.reservation();
    if (r == null || state.applied() != null) {
      return unmatched(state, e, e.orderId(), now);
    }
    if (r.line()) {
      return orderLine(state, e, r, now);
    }
    return switch (r.status()) {
      case HELD -> {
        // Never shortens a hold, so the same extension seen twice changes nothing the second time.
        long deadline = Math.max(r.expiresAt(), e.occurredAt().toEpochMilli() + e.holdSeconds() * 1000L);
        Reservation extended = deadline == r.expiresAt() ? r : r.until(deadline, now);
        yield new Step(state.with(extended),
            outcome(e, state.stock(), r.orderId(), Decision.EXTENDED, null, r.quantity(), deadline, false, now));
      }
      case CONFIRMED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CONFIRMED, false, now);
      case CANCELLED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CANCELLED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
      case PREPARED -> throw new IllegalStateException("a reservation that is not an order's line is PREPARED: " + r);
    };
  }

  /**
   * A confirm, cancel or extend of one SKU that names a line of an order of several lines: refused, and nothing
   * changes, because an order's lines move only with their order, all as one.
   */
  private static Step orderLine(SkuState state, SkuEvent e, Reservation line, long now) {
    return same(state, e, line, Decision.REJECTED, Reason.ORDER_LINE, false, now);
  }

  /**
   * A confirm, cancel or extend naming no known reservation. Its rejection is remembered by event ID
   * (state.applied() is that memory when present), so a later redelivery of the very same event is a
   * repeat even if the reservation exists by then.
   */
  private static Step unmatched(SkuState state, SkuEvent e, String orderId, long now) {
    AppliedId seen = state.applied();
    if (seen != null) {
      return new Step(state, outcome(e, state.stock(), orderId, seen.decision(), seen.reason(), 0, null, true, now));
    }
    AppliedId remembered = new AppliedId(e.sku(), AppliedId.Kind.UNMATCHED_EVENT, e.eventId(), 0, orderId,
        Decision.REJECTED, Reason.UNKNOWN_RESERVATION, now);
    return new Step(state.with(remembered),
        outcome(e, state.stock(), orderId, Decision.REJECTED, Reason.UNKNOWN_RESERVATION, 0, null, false, now));
  }

  private static Step same(SkuState state, SkuEvent e, Reservation r, Decision decision, Reason reason,
      boolean duplicate, long now) {
    return new Step(state,
        outcome(e, state.stock(), r.orderId(), decision, reason, r.quantity(), deadlineOf(r), duplicate, now));
  }

  private static Step repeat(SkuState state, SkuEvent e, AppliedId seen, boolean sameBody, long now) {
    Decision decision = sameBody ? seen.decision() : Decision.REJECTED;
    Reason reason = sameBody ? seen.reason() : Reason.ID_CONFLICT;
    return new Step(state, outcome(e, state.stock(), seen.id(), decision, reason, seen.amount(), null, true, now));
  }

  static Outcome outcome(SkuEvent e, StockLevel stock, String subjectId, Decision decision, Reason reason,
      long quantity, Long expiresAt, boolean duplicate, long now) {
    return outcome(e.eventId(), e.type(), stock, subjectId, decision, reason, quantity, expiresAt, duplicate, now);
  }

  private static Outcome outcome(String eventId, String eventType, StockLevel stock, String subjectId,
      Decision decision, Reason reason, long quantity, Long expiresAt, boolean duplicate, long now) {
    return new Outcome(eventId, eventType, stock.sku(), subjectId, decision, reason, quantity, stock.onHand(),
        stock.reserved(), expiresAt == null ? null : Instant.ofEpochMilli(expiresAt), duplicate,
        Instant.ofEpochMilli(now), null);
  }
}
