package io.stocklog.inventory;

/**
 * The part of a SKU's state that one event can read or change: the counters, the reservation the event
 * names (if any) and the remembered decision for the event's ID (if any). Null where absent.
 */
public record SkuState(StockLevel stock, Reservation reservation, AppliedId applied) {

  public SkuState {
    if (stock == null) {
      throw new IllegalArgumentException("stock is required (use StockLevel.empty for a new SKU)");
    }
  }

  SkuState with(StockLevel newStock) {
    return new SkuState(newStock, reservation, applied);
  }

  SkuState with(Reservation newReservation) {
    return new SkuState(stock, newReservation, applied);
  }

  SkuState with(AppliedId newApplied) {
    return new SkuState(stock, reservation, newApplied);
  }
}
