package io.stocklog.readmodel;

/** The {@code reservation.status} column: where a reservation stands after its latest outcome. */
public enum ReservationStatus {
  HELD,
  CONFIRMED,
  CANCELLED,
  EXPIRED,
  REJECTED
}
