package io.stocklog.inventory.orders;

import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.outcomes.OrderOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Coordinates the orders of one partition over an {@link OrderStore}, in log order: for every record of the
 * partition (whatever it is, since every record moves the partition's one clock), the held orders whose deadline
 * has passed expire and finished orders past the retention are forgotten; then an order's own record is decided by
 * {@link OrderFold}. Only the order the record names is read and written, and the deadline index is kept in step by
 * comparing the order's timer before and after ({@link OrderTimers}). Not thread-safe: one per partition.
 */
public final class Coordinator {

  private static final int TIMER_BATCH = 512;

  private final OrderStore store;
  private final Duration retention;

  public Coordinator(OrderStore store, Duration retention) {
    this.store = Objects.requireNonNull(store, "store");
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  /** What one record made the coordinator do: commands for lines to append, outcomes of orders. */
  public record Coordinated(List<OrderLineCommand> commands,
      List<OrderOutcome> outcomes) {}

  /** Decides {@code event} at its place in the log, {@code now} being the partition's clock after it. */
  public Coordinated apply(Event event, long now) {
    List<OrderLineCommand> commands = new ArrayList<>();
    List<OrderOutcome> outcomes = new ArrayList<>();
    fireDue(event, now, commands, outcomes);
    if (event instanceof OrderEvent e) {
      Order before = store.order(e.orderId());
      OrderStep step = OrderFold.decide(before, e, now);
      save(before, step.order());
      commands.addAll(step.commands());
      outcomes.addAll(step.outcomes());
    }
    return new Coordinated(commands, outcomes);
  }

  private void fireDue(Event cause, long now, List<OrderLineCommand> commands,
      List<OrderOutcome> outcomes) {
    List<OrderTimer> due;
    do {
      due = store.due(now, TIMER_BATCH);
      for (OrderTimer timer : due) {
        store.remove(timer);
        Order order = store.order(timer.orderId());
        if (order == null) {
          continue;
        }
        switch (timer.kind()) {
          case EXPIRE -> {
            if (OrderFold.due(order, now) && order.expiresAt() == timer.at()) {
              OrderStep step = OrderFold.expire(order, cause, now);
              save(order, step.order());
              commands.addAll(step.commands());
              outcomes.addAll(step.outcomes());
            }
          }
          case FORGET -> {
            if (order.status().finished() && order.updatedAt() + retention.toMillis() <= timer.at()) {
              store.delete(order.orderId());
            }
          }
        }
      }
    } while (due.size() == TIMER_BATCH);
  }

  private void save(Order before, Order after) {
    if (after == null || after.equals(before)) {
      return;
    }
    store.put(after);
    Optional<OrderTimer> was = before == null ? Optional.empty() : OrderTimers.of(before, retention);
    Optional<OrderTimer> is = OrderTimers.of(after, retention);
    if (!was.equals(is)) {
      was.ifPresent(store::remove);
      is.ifPresent(store::add);
    }
  }
}
