package io.stocklog.readmodel;

import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One {@code orders} row: an order of several lines as its newest outcome left it.
 *
 * @param rejectReason the first refused line's reason; null unless {@code status == REJECTED}
 * @param expiresAt the order's deadline; null while PENDING and for an order that never held anything
 * @param lines one per SKU (lines of a SKU summed) in the order first named, as {@link OrderLinesJson} keeps them
 */
public record OrderRow(
    String orderId,
    OrderStatus status,
    Reason rejectReason,
    Instant expiresAt,
    List<OrderOutcome.Line> lines,
    Position position,
    Instant updatedAt) {

  public OrderRow {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    lines = List.copyOf(lines);
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
