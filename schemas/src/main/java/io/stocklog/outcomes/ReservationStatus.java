package io.stocklog.outcomes;

/**
 * Where a reservation stands: HELD, then one of the terminal states; or REJECTED from the start. The fold
 * keeps it in its state and the read model in its {@code reservation.status} column, by these names.
 */
public enum ReservationStatus {
  HELD, CONFIRMED, CANCELLED, EXPIRED, REJECTED;

  /** Whether the reservation still holds units. */
  public boolean live() {
    return this == HELD;
  }
}
