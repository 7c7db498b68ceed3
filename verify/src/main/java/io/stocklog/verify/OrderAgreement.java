package io.stocklog.verify;

import io.stocklog.inventory.InventoryStore;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.orders.InMemoryOrderStore;
import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderLine;
import io.stocklog.outcomes.ReservationStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * No line disagrees with its order, in the state a fold of the <em>whole</em> log leaves (every line command the
 * coordinators appended is then folded: they are in the log with the decision that caused them). For every order
 * past {@code PENDING} with no step under way, each of its lines (the order's reservation under its order ID on the
 * line's SKU, wherever that SKU's partition is):
 * <ul>
 *   <li>CONFIRMED order: the line is CONFIRMED;
 *   <li>HELD: the line is HELD, or EXPIRED (its own partition's clock passed the deadline first: the order expires
 *       too once its coordinator's clock does);
 *   <li>REJECTED, CANCELLED: the line holds nothing;
 *   <li>EXPIRED: the line is neither PREPARED nor CONFIRMED.
 * </ul>
 * A line that is not the order's (a reservation already under that ID, which refused the line) or is forgotten
 * (after the retention) is not checked. Stateless.
 */
public final class OrderAgreement {

  private OrderAgreement() {}

  /** The disagreements in the folds' state, one sentence each; empty when every line agrees. */
  public static List<String> violations(Collection<? extends PartitionFold<? extends InventoryStore>> folds) {
    List<String> violations = new ArrayList<>();
    List<Order> orders = new ArrayList<>();
    for (PartitionFold<?> fold : folds) {
      if (fold.orders() instanceof InMemoryOrderStore store) {
        orders.addAll(store.orders());
      }
    }
    orders.sort(Comparator.comparing(Order::orderId));
    for (Order order : orders) {
      if (order.phase() != Order.Phase.IDLE || order.status() == io.stocklog.outcomes.OrderStatus.PENDING) {
        continue;
      }
      for (OrderLine l : order.lines()) {
        Reservation r = line(folds, l.sku(), order.orderId());
        if (r == null) {
          continue;
        }
        boolean agrees = switch (order.status()) {
          case CONFIRMED -> r.status() == ReservationStatus.CONFIRMED;
          case HELD -> r.status() == ReservationStatus.HELD || r.status() == ReservationStatus.EXPIRED;
          case REJECTED, CANCELLED -> !r.status().live();
          case EXPIRED -> r.status() != ReservationStatus.PREPARED && r.status() != ReservationStatus.CONFIRMED;
          case PENDING -> true;
        };
        if (!agrees) {
          violations.add("order " + order.orderId() + " is " + order.status() + " but its line on " + l.sku()
              + " is " + r.status());
        }
      }
    }
    return violations;
  }

  private static Reservation line(Collection<? extends PartitionFold<? extends InventoryStore>> folds, String sku,
      String orderId) {
    for (PartitionFold<? extends InventoryStore> fold : folds) {
      Reservation r = fold.state().reservation(sku, orderId);
      if (r != null && r.line()) {
        return r;
      }
    }
    return null;
  }
}
