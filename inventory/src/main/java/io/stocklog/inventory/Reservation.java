package io.stocklog.inventory;

import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;

/**
 * One order's reservation on one SKU, stored under (sku, orderId). A rejected request is remembered
 * too, so that a repeat of it yields the same rejection.
 *
 * @param rejectReason why the request was rejected; null unless {@code status == REJECTED}
 * @param expiresAt the deadline in log time (epoch millis): the hold is live while the clock is before it. A
 *     rejected request keeps the deadline it would have had, which is never published: it held nothing.
 * @param updatedAt log time of the last change; for a finished reservation, when it finished
 */
public record Reservation(
    String sku,
    String orderId,
    long quantity,
    int holdSeconds,
    ReservationStatus status,
    Reason rejectReason,
    long expiresAt,
    long updatedAt) {

  public Reservation {
    if ((status == ReservationStatus.REJECTED) != (rejectReason != null)) {
      throw new IllegalArgumentException("rejectReason is given exactly when the status is REJECTED");
    }
  }

  Reservation with(ReservationStatus newStatus, long at) {
    return new Reservation(sku, orderId, quantity, holdSeconds, newStatus, rejectReason, expiresAt, at);
  }

  Reservation until(long newExpiresAt, long at) {
    return new Reservation(sku, orderId, quantity, holdSeconds, status, rejectReason, newExpiresAt, at);
  }
}
