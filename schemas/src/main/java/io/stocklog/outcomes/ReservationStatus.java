package io.stocklog.outcomes;

/**
 * Where a reservation (or an order's line) stands: HELD (for a line, then perhaps PREPARED), then one of the
 * terminal states; or REJECTED from the start. The fold
 * keeps it in its state and the read model in its {@code reservation.status} column, by these names.
 */
public enum ReservationStatus {
  HELD, CONFIRMED, CANCELLED, EXPIRED, REJECTED,
  /**
   * An order's line prepared to be confirmed: it holds its units like HELD, but no longer expires (its order
   * was decided to be confirmed, and the line waits for the confirm or, if another line could not be prepared,
   * the release). Only order lines are ever PREPARED.
   */
  PREPARED;

  /** Whether the reservation still holds units. */
  public boolean live() {
    return this == HELD || this == PREPARED;
  }

  /** Whether the reservation runs out at its deadline: a held one does; a prepared line waits for its order. */
  public boolean expires() {
    return this == HELD;
  }
}
