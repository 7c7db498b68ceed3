package io.stocklog.inventory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * An {@link InventoryStore} that passes every call on and counts it by operation, plus the number of timers
 * each {@code due} call returned ({@value #DUE_TIMERS}). What one decision costs the store is then the
 * difference of the counts around it: see {@link #measure}.
 */
final class CountingInventoryStore implements InventoryStore {

  static final String DUE_TIMERS = "due->timers";

  /** What one measured piece of work returned, and the store calls it made, by operation. */
  record Measured<T>(T result, Map<String, Long> calls) {}

  private final InventoryStore delegate;
  private final Map<String, Long> counts = new TreeMap<>();

  CountingInventoryStore(InventoryStore delegate) {
    this.delegate = delegate;
  }

  /** Runs {@code work} and returns the store calls it made; operations it did not call are absent. */
  <T> Measured<T> measure(Supplier<T> work) {
    Map<String, Long> before = new TreeMap<>(counts);
    T result = work.get();
    Map<String, Long> calls = new TreeMap<>();
    counts.forEach((op, n) -> {
      long delta = n - before.getOrDefault(op, 0L);
      if (delta != 0) {
        calls.put(op, delta);
      }
    });
    return new Measured<>(result, calls);
  }

  private void count(String op, long n) {
    counts.merge(op, n, Long::sum);
  }

  @Override
  public long clock() {
    count("clock()", 1);
    return delegate.clock();
  }

  @Override
  public void clock(long time) {
    count("clock(time)", 1);
    delegate.clock(time);
  }

  @Override
  public StockLevel stock(String sku) {
    count("stock", 1);
    return delegate.stock(sku);
  }

  @Override
  public void put(StockLevel stock) {
    count("put(stock)", 1);
    delegate.put(stock);
  }

  @Override
  public Reservation reservation(String sku, String orderId) {
    count("reservation", 1);
    return delegate.reservation(sku, orderId);
  }

  @Override
  public void put(Reservation reservation) {
    count("put(reservation)", 1);
    delegate.put(reservation);
  }

  @Override
  public void deleteReservation(String sku, String orderId) {
    count("deleteReservation", 1);
    delegate.deleteReservation(sku, orderId);
  }

  @Override
  public AppliedId applied(String sku, AppliedId.Kind kind, String id) {
    count("applied", 1);
    return delegate.applied(sku, kind, id);
  }

  @Override
  public void put(AppliedId applied) {
    count("put(applied)", 1);
    delegate.put(applied);
  }

  @Override
  public void deleteApplied(String sku, AppliedId.Kind kind, String id) {
    count("deleteApplied", 1);
    delegate.deleteApplied(sku, kind, id);
  }

  @Override
  public void add(Timer timer) {
    count("add(timer)", 1);
    delegate.add(timer);
  }

  @Override
  public void remove(Timer timer) {
    count("remove(timer)", 1);
    delegate.remove(timer);
  }

  @Override
  public List<Timer> due(long upTo, int max) {
    List<Timer> due = delegate.due(upTo, max);
    count("due", 1);
    count(DUE_TIMERS, due.size());
    return due;
  }
}
