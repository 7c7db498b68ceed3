package io.stocklog.inventory.orders;

/**
 * An entry in the coordinator's deadline index: at log time {@code at}, do {@code kind} to the order. Ordered by
 * time, so what is due is a range scan from the start, whose cost depends on what is due, not on how many orders
 * are live.
 */
public record OrderTimer(long at, Kind kind, String orderId) implements Comparable<OrderTimer> {

  public enum Kind {
    /** A held order's deadline. */
    EXPIRE,
    /** A finished order leaves memory after the retention. */
    FORGET
  }

  @Override
  public int compareTo(OrderTimer other) {
    int c = Long.compare(at, other.at);
    if (c != 0) {
      return c;
    }
    c = kind.compareTo(other.kind);
    return c != 0 ? c : orderId.compareTo(other.orderId);
  }
}
