package io.stocklog.command;

import io.stocklog.events.StockAdjusted;
import io.stocklog.outcomes.Outcome;

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
}
