package io.stocklog.outcomes;

/**
 * Where an order of several lines stands, as its coordinator decided it: PENDING while its lines are being
 * asked for, then HELD (every line held) or REJECTED (some line short, none left held); a HELD order becomes
 * CONFIRMED, CANCELLED or EXPIRED as one. Kept and read by these names.
 */
public enum OrderStatus {
  PENDING, HELD, REJECTED, CONFIRMED, CANCELLED, EXPIRED;

  /** Whether the order is decided for good: nothing changes it any more. */
  public boolean finished() {
    return this == REJECTED || this == CONFIRMED || this == CANCELLED || this == EXPIRED;
  }
}
