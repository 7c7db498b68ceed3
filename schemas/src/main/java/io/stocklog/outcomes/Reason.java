package io.stocklog.outcomes;

/** Why an event was {@link Decision#REJECTED}. New reasons go last: stored state may keep a reason by its place. */
public enum Reason {
  /** A reservation asked for more than was available at its place in the log. */
  OUT_OF_STOCK,
  /** An adjustment would have made available stock negative. */
  INSUFFICIENT_STOCK,
  /** The reservation's hold had run out before this confirm or extend. */
  EXPIRED,
  /** No reservation with this order ID on this SKU (never requested, or forgotten after retention). */
  UNKNOWN_RESERVATION,
  /** The reservation was never held (it was rejected when requested). */
  NOT_HELD,
  /** The reservation is already confirmed. */
  ALREADY_CONFIRMED,
  /** The reservation is already cancelled. */
  ALREADY_CANCELLED,
  /** The ID was used before with a different body; the first use stands. */
  ID_CONFLICT,
  /**
   * A reservation named a SKU that has never had stock: no receipt or adjustment was ever applied to it (a
   * mistyped SKU, or one whose stock has not been received yet). Distinct from {@link #OUT_OF_STOCK}, so a
   * typo does not look like a sell-out; the read model gets no row for such a SKU.
   */
  UNKNOWN_SKU,
  /** No order with this order ID (never placed, or forgotten after retention). */
  UNKNOWN_ORDER,
  /**
   * The order has too many requests waiting while one of its steps is under way; send it again once the last
   * one is answered.
   */
  ORDER_BUSY,
  /**
   * A confirm, cancel or extend of one SKU named a line of an order of several lines: such a line is confirmed,
   * cancelled or extended only with its order, all lines as one.
   */
  ORDER_LINE
}
