package io.stocklog.verify;

import io.stocklog.outcomes.Position;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@code sku_stock} row as the replay sees it: expected from the log, or read from a read model. Plain
 * values, so a read model that breaks the table's own checks (negative or inconsistent counters) can still be
 * read and reported.
 *
 * @param position where the event behind the row is; null only when read from a read model holding an invalid
 *     one (a negative partition or offset)
 */
public record StockEntry(String sku, long onHand, long reserved, long available, Position position, Instant updatedAt) {

  public StockEntry {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
