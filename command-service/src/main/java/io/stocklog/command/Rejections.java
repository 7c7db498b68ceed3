package io.stocklog.command;

import io.stocklog.events.OrderExtended;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.StockAdjusted;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Why an event was rejected, in words a caller can act on: the detail of a 409. */
final class Rejections {

  private Rejections() {}

  static String describe(Outcome o) {
    String subject = o.subjectId();
    return switch (o.reason()) {
      case OUT_OF_STOCK -> "out of stock: reservation " + subject + " asked for " + o.quantity()
          + " but only " + o.available() + " of SKU " + o.sku() + " were available";
      case UNKNOWN_SKU -> "unknown SKU: SKU " + o.sku() + " has never had stock (no receipt or adjustment), so "
          + "reservation " + subject + " was not held; check the SKU";
      case INSUFFICIENT_STOCK -> "insufficient stock: adjustment " + subject + " by " + o.quantity()
          + " would make available stock of SKU " + o.sku() + " negative (" + o.available() + " available)";
      case EXPIRED -> "reservation " + subject + " of SKU " + o.sku() + " had already expired";
      case UNKNOWN_RESERVATION -> "unknown reservation: there is no reservation " + subject + " of SKU " + o.sku();
      case NOT_HELD -> "reservation " + subject + " of SKU " + o.sku() + " was never held (it was rejected)";
      case ALREADY_CONFIRMED -> "reservation " + subject + " of SKU " + o.sku() + " is already confirmed";
      case ALREADY_CANCELLED -> "reservation " + subject + " of SKU " + o.sku() + " is already cancelled";
      case ID_CONFLICT -> "ID conflict: " + subject + " was already used on SKU " + o.sku()
          + " with a different body; the first use stands";
      case ORDER_LINE -> "reservation " + subject + " of SKU " + o.sku() + " is a line of an order of several lines: "
          + "confirm, cancel or extend the order " + subject + ", all its lines as one";
      case UNKNOWN_ORDER -> "unknown order: there is no order " + subject;
      case ORDER_BUSY -> "order " + subject + " has too many requests waiting; send it again once the last is answered";
    };
  }

  /** A repeated ID whose amount differs from its first use ({@code first}), refused before appending. */
  static String conflict(Outcome first, long amount) {
    String field = first.eventType().equals(StockAdjusted.TYPE) ? "delta" : "quantity";
    return "ID conflict: " + first.subjectId() + " was already used on SKU " + first.sku() + " with " + field
        + " " + first.quantity() + ", not " + amount + "; the first use stands and nothing was appended";
  }

  /** Why an order's request was refused: the detail of its 409. */
  static String describe(OrderOutcome o) {
    String order = "order " + o.orderId();
    if (o.eventType().equals(OrderPlaced.TYPE) && o.status() == OrderStatus.REJECTED) {
      // The placing, refused line by line (a repeat of it too): every line that could not be held, and why.
      List<String> refused = new ArrayList<>();
      for (OrderOutcome.Line l : o.lines()) {
        if (l.reason() != null) {
          refused.add("SKU " + l.sku() + " " + line(l));
        }
      }
      String detail = order + (o.duplicate() ? " was already placed and rejected" : " was rejected")
          + ", all or nothing, so no line of it is held: " + String.join("; ", refused);
      // A repeat and another body under the ID look alike once the order is rejected: both get its decision.
      return o.duplicate() && o.reason() == Reason.ID_CONFLICT
          ? detail + " (if this body differs from the first, the first stands: ID conflict)" : detail;
    }
    String request = switch (o.eventType()) {
      case OrderPlaced.TYPE -> "placed";
      case OrderExtended.TYPE -> "extended";
      default -> o.eventType().replace("Order", "").toLowerCase(Locale.ROOT);
    };
    return switch (o.reason()) {
      case ID_CONFLICT -> "ID conflict: " + order + " was already placed with a different body (lines or holdSeconds);"
          + " the first stands, and it is " + o.status();
      case UNKNOWN_ORDER -> "unknown order: there is no order " + o.orderId() + " (never placed, or forgotten after"
          + " its retention), so it cannot be " + request;
      case EXPIRED -> order + " had expired (its hold ran out) before it could be " + request
          + "; nothing is held for it";
      case NOT_HELD -> order + " was never held (it was rejected), so it cannot be " + request;
      case ALREADY_CONFIRMED -> order + " is already confirmed, so it cannot be " + request;
      case ALREADY_CANCELLED -> order + " is already cancelled, so it cannot be " + request;
      case ORDER_BUSY -> order + " has too many requests waiting; send it again once the last is answered";
      case OUT_OF_STOCK, UNKNOWN_SKU, INSUFFICIENT_STOCK, UNKNOWN_RESERVATION, ORDER_LINE ->
          order + " was refused (" + o.reason() + ")";
    };
  }

  /** A refused line of an order, in words. */
  private static String line(OrderOutcome.Line l) {
    String available = l.available() == null ? "" : " (" + l.available() + " available)";
    return switch (l.reason()) {
      case OUT_OF_STOCK -> "is out of stock: " + l.quantity() + " asked for, only " + l.available() + " available";
      case UNKNOWN_SKU -> "has never had stock (no receipt or adjustment): check the SKU";
      case ID_CONFLICT -> "already has a reservation under this order ID" + available;
      case EXPIRED -> "had already expired there" + available;
      case INSUFFICIENT_STOCK, UNKNOWN_RESERVATION, NOT_HELD, ALREADY_CONFIRMED, ALREADY_CANCELLED, UNKNOWN_ORDER,
          ORDER_BUSY, ORDER_LINE -> "was refused (" + l.reason() + ")" + available;
    };
  }
}
