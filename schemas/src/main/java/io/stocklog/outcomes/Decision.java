package io.stocklog.outcomes;

/** What the projector decided about one event, or about a reservation whose hold ran out. */
public enum Decision {
  /** Stock received and added to onHand. */
  RECEIVED,
  /** A stock adjustment applied to onHand. */
  ADJUSTED,
  /** A reservation request held: available covered it at its place in the log. */
  HELD,
  /** A held reservation confirmed: onHand and reserved both dropped by its quantity. */
  CONFIRMED,
  /** A held reservation cancelled: its units are available again. */
  CANCELLED,
  /** A held reservation passed its deadline in log time: its units are available again. */
  EXPIRED,
  /** A held reservation's deadline moved later. */
  EXTENDED,
  /** The event was refused; {@link Reason} says why. Nothing changed. */
  REJECTED,
  /**
   * An order's line was prepared to be confirmed (the first phase of confirming an order): it keeps its units
   * and no longer expires. New constants go last: stored state and metrics may know a decision by its place.
   */
  PREPARED,
  /**
   * An order was placed and its lines are being asked for: the order is PENDING, the first of its outcomes. The
   * decision (HELD or REJECTED) follows once every line has answered. Never a SKU outcome's decision.
   */
  PENDING
}
