package io.stocklog.inventory.orders;

import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.outcomes.OrderStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An order of several lines as its coordinator keeps it, stored under its order ID in the coordinator's
 * partition.
 *
 * @param placedEventId the {@code OrderPlaced} that placed it
 * @param placed the lines as placed, to tell a repeat of the order from another order under the same ID
 * @param lines one per SKU, in the order first named
 * @param expiresAt the order's deadline in log time (epoch millis), the same on every line
 * @param step the number of the coordinator's last step for this order (1 placed it)
 * @param phase what the coordinator is waiting for its lines to answer, if anything
 * @param inFlight the request the step under way will answer; null when idle
 * @param extendTo while extending: the deadline asked of every line
 * @param queue requests that arrived while a step was under way, answered in order once it ends
 * @param updatedAt log time of the last change; for a finished order, when it finished
 */
public record Order(
    String orderId,
    String placedEventId,
    int holdSeconds,
    List<OrderPlaced.Line> placed,
    List<OrderLine> lines,
    OrderStatus status,
    long expiresAt,
    int step,
    Phase phase,
    Queued inFlight,
    long extendTo,
    List<Queued> queue,
    long updatedAt) {

  /** What a step under way waits for: every line's answer to a hold, a prepare or an extend. */
  public enum Phase {
    IDLE, PLACING, PREPARING, EXTENDING
  }

  /** A request of the order, with the coordinator's log time when it arrived: it is decided as of then. */
  public record Queued(OrderEvent request, long at) {}

  public Order {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(phase, "phase");
    placed = List.copyOf(placed);
    lines = List.copyOf(lines);
    queue = List.copyOf(queue);
    if ((phase == Phase.IDLE) != (inFlight == null)) {
      throw new IllegalArgumentException("a request is in flight exactly when a step is under way");
    }
  }

  Order with(OrderStatus newStatus, long at) {
    return new Order(orderId, placedEventId, holdSeconds, placed, lines, newStatus, expiresAt, step, phase, inFlight,
        extendTo, queue, at);
  }

  Order withLines(UnaryOperator<OrderLine> change) {
    List<OrderLine> changed = new ArrayList<>(lines.size());
    lines.forEach(l -> changed.add(change.apply(l)));
    return new Order(orderId, placedEventId, holdSeconds, placed, changed, status, expiresAt, step, phase, inFlight,
        extendTo, queue, updatedAt);
  }

  Order withLine(OrderLine line) {
    return withLines(l -> l.sku().equals(line.sku()) ? line : l);
  }

  Order until(long newExpiresAt) {
    return new Order(orderId, placedEventId, holdSeconds, placed, lines, status, newExpiresAt, step, phase, inFlight,
        extendTo, queue, updatedAt);
  }

  /** A new step under way (or, with {@code Phase.IDLE} and no request, one that waits for nothing). */
  Order stepping(Phase newPhase, Queued request, long newExtendTo) {
    return new Order(orderId, placedEventId, holdSeconds, placed, lines, status, expiresAt, step + 1, newPhase,
        request, newExtendTo, queue, updatedAt);
  }

  Order idle() {
    return new Order(orderId, placedEventId, holdSeconds, placed, lines, status, expiresAt, step, Phase.IDLE, null,
        0, queue, updatedAt);
  }

  Order withQueue(List<Queued> newQueue) {
    return new Order(orderId, placedEventId, holdSeconds, placed, lines, status, expiresAt, step, phase, inFlight,
        extendTo, newQueue, updatedAt);
  }

  OrderLine line(String sku) {
    for (OrderLine l : lines) {
      if (l.sku().equals(sku)) {
        return l;
      }
    }
    return null;
  }
}
