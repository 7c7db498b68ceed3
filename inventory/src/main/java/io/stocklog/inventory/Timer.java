package io.stocklog.inventory;

import java.util.Comparator;

/**
 * An entry in the deadline index: at log time {@code at}, do {@code kind} to the record (sku, id). The
 * index is ordered by time, so finding what is due is a range scan from the start, and its cost depends on
 * what is due, never on how many reservations are live.
 */
public record Timer(long at, Kind kind, String sku, String id) implements Comparable<Timer> {

  public enum Kind {
    /** A held reservation's deadline (id = orderId). */
    EXPIRE,
    /** A finished reservation leaves memory after the retention (id = orderId). */
    FORGET_RESERVATION,
    /** A remembered unmatched event leaves memory after the retention (id = eventId). */
    FORGET_EVENT
  }

  public static final Comparator<Timer> ORDER = Comparator.comparingLong(Timer::at)
      .thenComparing(Timer::sku)
      .thenComparing(Timer::kind)
      .thenComparing(Timer::id);

  /** {@link #ORDER}, written out: the in-memory store's deadline index compares timers on every change. */
  @Override
  public int compareTo(Timer other) {
    int c = Long.compare(at, other.at);
    if (c != 0) {
      return c;
    }
    c = sku.compareTo(other.sku);
    if (c != 0) {
      return c;
    }
    c = kind.compareTo(other.kind);
    return c != 0 ? c : id.compareTo(other.id);
  }
}
