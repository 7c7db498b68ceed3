package io.stocklog.inventory.orders;

import java.time.Duration;
import java.util.Optional;

/**
 * The coordinator's deadline index as a function of its orders, like {@code Timers} for reservations: a store that
 * does not log its index can rebuild it from the orders with this, and the {@link Coordinator} keeps exactly these.
 *
 * <ul>
 *   <li>a HELD order: its expiry at its deadline. If it falls due while a step of the order is under way, the
 *       coordinator drops it and the step's end looks at the deadline itself; an index rebuilt meanwhile has it
 *       again, which is harmless: it fires, finds the step under way, and is dropped;
 *   <li>a finished order (REJECTED, CONFIRMED, CANCELLED, EXPIRED): forgetting it a retention after it finished;
 *   <li>a PENDING order: none, its lines' answers move it.
 * </ul>
 */
public final class OrderTimers {

  private OrderTimers() {}

  public static Optional<OrderTimer> of(Order order, Duration retention) {
    return switch (order.status()) {
      case HELD -> Optional.of(new OrderTimer(order.expiresAt(), OrderTimer.Kind.EXPIRE, order.orderId()));
      case REJECTED, CONFIRMED, CANCELLED, EXPIRED ->
          Optional.of(new OrderTimer(order.updatedAt() + retention.toMillis(), OrderTimer.Kind.FORGET, order.orderId()));
      case PENDING -> Optional.empty();
    };
  }
}
