package io.stocklog.readmodel;

import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One {@code reservation} row.
 *
 * @param rejectReason why the request was refused; null unless {@code status == REJECTED}
 * @param expiresAt the hold's deadline; null when the projector gave none
 */
public record ReservationRow(
    String sku,
    String orderId,
    long quantity,
    ReservationStatus status,
    Reason rejectReason,
    Instant expiresAt,
    Position position,
    Instant updatedAt) {

  public ReservationRow {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
