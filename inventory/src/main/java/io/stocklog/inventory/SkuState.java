package io.stocklog.inventory;

/**
 * The part of a SKU's state that one event can read or change: the counters, the reservation the event
 * names (if any) and the remembered decision for the event's ID (if any). Null where absent.
 *
 * @param stocked whether the SKU has ever had stock: its counters exist because a receipt or an adjustment was
 *     applied to it. A reservation for a SKU that never had stock is rejected as {@code UNKNOWN_SKU}, not
 *     {@code OUT_OF_STOCK}: a mistyped SKU must not look sold out.
 */
public record SkuState(StockLevel stock, Reservation reservation, AppliedId applied, boolean stocked) {

  public SkuState {
    if (stock == null) {
      throw new IllegalArgumentException("stock is required (use StockLevel.empty for a new SKU)");
    }
  }

  /** The counters changed: a SKU whose counters changed has had stock. */
  SkuState with(StockLevel newStock) {
    return new SkuState(newStock, reservation, applied, stocked || !newStock.equals(stock));
  }

  SkuState with(Reservation newReservation) {
    return new SkuState(stock, newReservation, applied, stocked);
  }

  SkuState with(AppliedId newApplied) {
    return new SkuState(stock, reservation, newApplied, stocked);
  }
}
