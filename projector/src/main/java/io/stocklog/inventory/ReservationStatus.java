package io.stocklog.inventory;

/** A reservation's life: HELD, then one of the terminal states; or REJECTED from the start. */
public enum ReservationStatus {
  HELD, CONFIRMED, CANCELLED, EXPIRED, REJECTED;

  public boolean live() {
    return this == HELD;
  }
}
