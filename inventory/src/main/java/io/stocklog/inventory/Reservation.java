package io.stocklog.inventory;

import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;

/**
 * One order's reservation on one SKU, stored under (sku, orderId): a single-SKU reservation, or one line of an
 * order of several lines ({@code line}). They share the key on purpose: an order ID is taken on each SKU it is
 * used on, so a reservation and an order's line can never both be under one order ID on one SKU. A rejected
 * request is remembered too, so that a repeat of it yields the same rejection.
 *
 * @param holdSeconds the hold asked for; 0 for an order's line, whose deadline is its order's
 * @param rejectReason why the request was rejected; null unless {@code status == REJECTED}
 * @param expiresAt the deadline in log time (epoch millis): the hold is live while the clock is before it. A
 *     rejected request keeps the deadline it would have had, which is never published: it held nothing.
 * @param updatedAt log time of the last change; for a finished reservation, when it finished
 * @param line whether this is a line of an order of several lines, which only the order's coordinator moves
 *     (prepare, confirm, release, extend) and a single-SKU confirm, cancel or extend may not touch
 */
public record Reservation(
    String sku,
    String orderId,
    long quantity,
    int holdSeconds,
    ReservationStatus status,
    Reason rejectReason,
    long expiresAt,
    long updatedAt,
    boolean line) {

  public Reservation {
    if ((status == ReservationStatus.REJECTED) != (rejectReason != null)) {
      throw new IllegalArgumentException("rejectReason is given exactly when the status is REJECTED");
    }
    if (status == ReservationStatus.PREPARED && !line) {
      throw new IllegalArgumentException("only an order's line is ever PREPARED");
    }
  }

  /** A single-SKU reservation. */
  public Reservation(String sku, String orderId, long quantity, int holdSeconds, ReservationStatus status,
      Reason rejectReason, long expiresAt, long updatedAt) {
    this(sku, orderId, quantity, holdSeconds, status, rejectReason, expiresAt, updatedAt, false);
  }

  Reservation with(ReservationStatus newStatus, long at) {
    return new Reservation(sku, orderId, quantity, holdSeconds, newStatus, rejectReason, expiresAt, at, line);
  }

  Reservation until(long newExpiresAt, long at) {
    return new Reservation(sku, orderId, quantity, holdSeconds, status, rejectReason, newExpiresAt, at, line);
  }
}
