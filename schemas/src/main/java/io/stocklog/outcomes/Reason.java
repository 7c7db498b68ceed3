package io.stocklog.outcomes;

/** Why an event was {@link Decision#REJECTED}. */
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
  ID_CONFLICT
}
