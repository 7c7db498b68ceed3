package io.stocklog.inventory;

import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.OrderLineConfirmed;
import io.stocklog.events.OrderLineExtended;
import io.stocklog.events.OrderLinePrepared;
import io.stocklog.events.OrderLineReleased;
import io.stocklog.events.OrderLineRequested;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;

/**
 * The rules for one line of an order of several lines, on its SKU: plain functions like {@link Fold}'s, which
 * they extend. A line is a {@link Reservation} with {@code line} set, under (sku, orderId), so it counts toward
 * {@code reserved} like any reservation and an order ID is taken on each of its SKUs.
 *
 * <ul>
 *   <li>requested: HELD iff {@code available >= quantity} at its place in the log (the order's lines of this SKU
 *       come summed, as one line), until the order's deadline carried by the command, not one computed here, so
 *       every line of an order has the same deadline whatever its partition's clock says. Else REJECTED
 *       {@code OUT_OF_STOCK} (or {@code UNKNOWN_SKU}); {@code EXPIRED} if this partition's clock is already past
 *       the deadline; {@code ID_CONFLICT} if the order ID is a single-SKU reservation here. A HELD line expires
 *       by this partition's clock like a reservation: the safety net for a coordinator that stalls.
 *   <li>prepared: a HELD line becomes PREPARED: it keeps its units and no longer expires; refused if it already
 *       expired here.
 *   <li>confirmed: a PREPARED line's units leave (onHand and reserved drop). Only a prepared line is confirmed,
 *       so no line is confirmed unless its order decided to confirm and every line was prepared.
 *   <li>released: a HELD or PREPARED line's units are available again (CANCELLED).
 *   <li>extended: a HELD line is held until at least the new deadline.
 * </ul>
 * The same command again (a replay, a redo after an abort) changes nothing and yields the same decision.
 */
final class OrderLines {

  private OrderLines() {}

  static Step step(SkuState state, OrderLineCommand event, long now) {
    Reservation r = state.reservation();
    if (r != null && !r.line()) {
      // The order ID is a single-SKU reservation on this SKU: not this order's line, and never touched by it.
      return refuse(state, event, r.quantity(), Reason.ID_CONFLICT, now);
    }
    return switch (event) {
      case OrderLineRequested e -> request(state, e, now);
      case OrderLinePrepared e -> prepare(state, e, now);
      case OrderLineConfirmed e -> confirm(state, e, now);
      case OrderLineReleased e -> release(state, e, now);
      case OrderLineExtended e -> extend(state, e, now);
    };
  }

  private static Step request(SkuState state, OrderLineRequested e, long now) {
    Reservation seen = state.reservation();
    StockLevel stock = state.stock();
    long deadline = e.expiresAt().toEpochMilli();
    if (seen != null) {
      boolean same = seen.quantity() == e.quantity() && seen.expiresAt() == deadline;
      Decision first = seen.status() == ReservationStatus.REJECTED ? Decision.REJECTED : Decision.HELD;
      return new Step(state, Fold.outcome(e, stock, e.orderId(), same ? first : Decision.REJECTED,
          same ? seen.rejectReason() : Reason.ID_CONFLICT, seen.quantity(), Fold.deadlineOf(seen), true, now));
    }
    Reason refusal = deadline <= now ? Reason.EXPIRED
        : stock.available() < e.quantity() ? (state.stocked() ? Reason.OUT_OF_STOCK : Reason.UNKNOWN_SKU)
        : null;
    if (refusal != null) {
      Reservation rejected = new Reservation(e.sku(), e.orderId(), e.quantity(), 0, ReservationStatus.REJECTED,
          refusal, deadline, now, true);
      return new Step(state.with(rejected),
          Fold.outcome(e, stock, e.orderId(), Decision.REJECTED, refusal, e.quantity(), null, false, now));
    }
    StockLevel after = stock.plusReserved(e.quantity());
    Reservation held = new Reservation(e.sku(), e.orderId(), e.quantity(), 0, ReservationStatus.HELD, null,
        deadline, now, true);
    return new Step(state.with(after).with(held),
        Fold.outcome(e, after, e.orderId(), Decision.HELD, null, e.quantity(), deadline, false, now));
  }

  private static Step prepare(SkuState state, OrderLinePrepared e, long now) {
    Reservation r = state.reservation();
    if (r == null) {
      return refuse(state, e, 0, Reason.NOT_HELD, now);
    }
    return switch (r.status()) {
      case HELD -> moved(state, e, r.with(ReservationStatus.PREPARED, now), Decision.PREPARED, state.stock(), now);
      case PREPARED -> same(state, e, r, Decision.PREPARED, null, true, now);
      case CONFIRMED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CONFIRMED, false, now);
      case CANCELLED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CANCELLED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
    };
  }

  private static Step confirm(SkuState state, OrderLineConfirmed e, long now) {
    Reservation r = state.reservation();
    if (r == null) {
      return refuse(state, e, 0, Reason.NOT_HELD, now);
    }
    return switch (r.status()) {
      case PREPARED -> moved(state, e, r.with(ReservationStatus.CONFIRMED, now), Decision.CONFIRMED,
          state.stock().ship(r.quantity()), now);
      case CONFIRMED -> same(state, e, r, Decision.CONFIRMED, null, true, now);
      // Never a held line: confirming one that was not prepared could confirm half an order.
      case HELD, REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
      case CANCELLED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CANCELLED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
    };
  }

  private static Step release(SkuState state, OrderLineReleased e, long now) {
    Reservation r = state.reservation();
    if (r == null) {
      return refuse(state, e, 0, Reason.NOT_HELD, now);
    }
    return switch (r.status()) {
      case HELD, PREPARED -> moved(state, e, r.with(ReservationStatus.CANCELLED, now), Decision.CANCELLED,
          state.stock().plusReserved(-r.quantity()), now);
      case CANCELLED -> same(state, e, r, Decision.CANCELLED, null, true, now);
      case CONFIRMED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CONFIRMED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
    };
  }

  private static Step extend(SkuState state, OrderLineExtended e, long now) {
    Reservation r = state.reservation();
    if (r == null) {
      return refuse(state, e, 0, Reason.NOT_HELD, now);
    }
    return switch (r.status()) {
      case HELD -> {
        long deadline = Math.max(r.expiresAt(), e.expiresAt().toEpochMilli());
        Reservation extended = deadline == r.expiresAt() ? r : r.until(deadline, now);
        yield new Step(state.with(extended), Fold.outcome(e, state.stock(), r.orderId(), Decision.EXTENDED, null,
            r.quantity(), deadline, false, now));
      }
      // Prepared: it no longer expires, so there is nothing to extend; its order is being confirmed.
      case PREPARED -> same(state, e, r, Decision.EXTENDED, null, true, now);
      case CONFIRMED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CONFIRMED, false, now);
      case CANCELLED -> same(state, e, r, Decision.REJECTED, Reason.ALREADY_CANCELLED, false, now);
      case EXPIRED -> same(state, e, r, Decision.REJECTED, Reason.EXPIRED, false, now);
      case REJECTED -> same(state, e, r, Decision.REJECTED, Reason.NOT_HELD, false, now);
    };
  }

  private static Step moved(SkuState state, OrderLineCommand e, Reservation after, Decision decision,
      StockLevel stock, long now) {
    Long deadline = after.status().expires() ? after.expiresAt() : null;
    return new Step(state.with(stock).with(after),
        Fold.outcome(e, stock, e.orderId(), decision, null, after.quantity(), deadline, false, now));
  }

  private static Step same(SkuState state, OrderLineCommand e, Reservation r, Decision decision, Reason reason,
      boolean duplicate, long now) {
    Long deadline = r.status().expires() ? r.expiresAt() : null;
    return new Step(state,
        Fold.outcome(e, state.stock(), e.orderId(), decision, reason, r.quantity(), deadline, duplicate, now));
  }

  private static Step refuse(SkuState state, OrderLineCommand e, long quantity, Reason reason, long now) {
    return new Step(state,
        Fold.outcome(e, state.stock(), e.orderId(), Decision.REJECTED, reason, quantity, null, false, now));
  }
}
