package io.stocklog.inventory.orders;

import io.stocklog.events.OrderLineCommand;
import io.stocklog.outcomes.OrderOutcome;
import java.util.List;

/**
 * The result of one decision of the order logic: the order after it (null if there is none), the commands to
 * append for its lines (keyed by their SKUs), and the order's outcomes, in the order they happened.
 */
public record OrderStep(Order order, List<OrderLineCommand> commands, List<OrderOutcome> outcomes) {

  public OrderStep {
    commands = List.copyOf(commands);
    outcomes = List.copyOf(outcomes);
  }
}
