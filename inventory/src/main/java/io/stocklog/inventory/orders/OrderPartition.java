package io.stocklog.inventory.orders;

import io.stocklog.events.Event;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.InventoryStore;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one partition of {@code inventory.events} decides, in log order: its SKUs' stock and reservations and
 * order lines ({@link Inventory}), and the orders it coordinates ({@link Coordinator}), over the partition's one
 * clock, the largest {@code occurredAt} it has seen. For each record it returns the SKU outcomes, the order outcomes,
 * and the records to append to the log: the coordinator's line commands (keyed by their SKUs) and the lines'
 * reports (keyed by their order IDs). A pure function of the partition's log: the same records give the same
 * results, so a redo after an abort appends exactly what the aborted attempt did.
 */
public final class OrderPartition {

  private final InventoryStore inventoryStore;
  private final Inventory inventory;
  private final Coordinator coordinator;

  public OrderPartition(InventoryStore inventoryStore, OrderStore orderStore, Duration retention) {
    this.inventoryStore = inventoryStore;
    this.inventory = new Inventory(inventoryStore, retention);
    this.coordinator = new Coordinator(orderStore, retention);
  }

  /** What one record decided. {@code appends} are records for the log, each keyed as its type says. */
  public record Folded(List<Outcome> outcomes, List<OrderOutcome> orders, List<Event> appends) {}

  public Folded apply(Event event) {
    List<Outcome> outcomes = inventory.apply(event);
    long now = inventoryStore.clock();
    List<Event> appends = new ArrayList<>();
    if (event instanceof OrderLineCommand command) {
      Outcome decided = outcomes.getLast();
      LineReports.of(command, decided).ifPresent(appends::add);
    }
    Coordinator.Coordinated coordinated = coordinator.apply(event, now);
    appends.addAll(coordinated.commands());
    return new Folded(outcomes, coordinated.outcomes(), appends);
  }
}
