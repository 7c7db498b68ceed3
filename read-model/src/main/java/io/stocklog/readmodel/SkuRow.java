package io.stocklog.readmodel;

import io.stocklog.outcomes.Position;
import java.time.Instant;
import java.util.Objects;

/** One {@code sku_stock} row: the SKU's stock after the outcome at {@code position}. */
public record SkuRow(String sku, long onHand, long reserved, long available, Position position, Instant updatedAt) {

  public SkuRow {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
