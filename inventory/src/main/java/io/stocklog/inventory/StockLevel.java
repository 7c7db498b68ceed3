package io.stocklog.inventory;

/**
 * A SKU's counters: the only per-SKU record, a few bytes, rewritten per event. Reservations live in
 * their own records, so deciding an event never touches the SKU's other reservations.
 */
public record StockLevel(String sku, long onHand, long reserved) {

  public StockLevel {
    if (reserved < 0 || reserved > onHand) {
      throw new IllegalStateException(
          "invariant broken for " + sku + ": 0 <= reserved <= onHand (onHand=" + onHand + ", reserved=" + reserved + ")");
    }
  }

  public static StockLevel empty(String sku) {
    return new StockLevel(sku, 0, 0);
  }

  public long available() {
    return onHand - reserved;
  }

  StockLevel plusOnHand(long delta) {
    return new StockLevel(sku, Math.addExact(onHand, delta), reserved);
  }

  StockLevel plusReserved(long delta) {
    return new StockLevel(sku, onHand, reserved + delta);
  }

  StockLevel ship(long quantity) {
    return new StockLevel(sku, onHand - quantity, reserved - quantity);
  }
}
