package io.stocklog.inventory.orders;

import io.stocklog.events.LineResult;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;

/**
 * One line of an order as its coordinator knows it: one per SKU (the order's lines of a SKU summed, so they are
 * decided together, as one hold: Medusa's bug, two lines of one item overselling it, cannot happen).
 *
 * @param status where the line stands; null until its partition first answers
 * @param reason why the line was refused; null unless it was
 * @param available for a refused line, the units its SKU had available; null otherwise
 * @param answer the line's answer to the coordinator's step under way; null while it is awaited, or when no step
 *     is under way
 */
public record OrderLine(String sku, long quantity, ReservationStatus status, Reason reason, Long available,
    LineResult answer) {

  static OrderLine asked(String sku, long quantity) {
    return new OrderLine(sku, quantity, null, null, null, null);
  }

  OrderLine answered(LineResult result, long availableNow) {
    return new OrderLine(sku, quantity, status, reason, availableNow, result);
  }

  OrderLine now(ReservationStatus newStatus) {
    return new OrderLine(sku, quantity, newStatus, reason, available, null);
  }

  OrderLine refused(ReservationStatus newStatus, Reason why) {
    return new OrderLine(sku, quantity, newStatus, why, available, null);
  }

  /** Ready for a new step: its answer to the last one forgotten. */
  OrderLine awaiting() {
    return new OrderLine(sku, quantity, status, reason, null, null);
  }
}
