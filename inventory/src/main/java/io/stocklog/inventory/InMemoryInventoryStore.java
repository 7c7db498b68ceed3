package io.stocklog.inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * An {@link InventoryStore} in plain collections: for tests, and for folding a log in memory to check a
 * read model against. Hash maps for point lookups, a sorted set for the deadline index.
 */
public final class InMemoryInventoryStore implements InventoryStore {

  private long clock = Long.MIN_VALUE;
  private final Map<String, StockLevel> stock = new HashMap<>();
  private final Map<List<String>, Reservation> reservations = new HashMap<>();
  private final Map<List<String>, AppliedId> applied = new HashMap<>();
  private final NavigableSet<Timer> timers = new TreeSet<>();

  @Override
  public long clock() {
    return clock;
  }

  @Override
  public void clock(long time) {
    clock = time;
  }

  @Override
  public StockLevel stock(String sku) {
    return stock.get(sku);
  }

  @Override
  public void put(StockLevel level) {
    stock.put(level.sku(), level);
  }

  @Override
  public Reservation reservation(String sku, String orderId) {
    return reservations.get(List.of(sku, orderId));
  }

  @Override
  public void put(Reservation reservation) {
    reservations.put(List.of(reservation.sku(), reservation.orderId()), reservation);
  }

  @Override
  public void deleteReservation(String sku, String orderId) {
    reservations.remove(List.of(sku, orderId));
  }

  @Override
  public AppliedId applied(String sku, AppliedId.Kind kind, String id) {
    return applied.get(List.of(sku, kind.name(), id));
  }

  @Override
  public void put(AppliedId a) {
    applied.put(List.of(a.sku(), a.kind().name(), a.id()), a);
  }

  @Override
  public void deleteApplied(String sku, AppliedId.Kind kind, String id) {
    applied.remove(List.of(sku, kind.name(), id));
  }

  @Override
  public void add(Timer timer) {
    timers.add(timer);
  }

  @Override
  public void remove(Timer timer) {
    timers.remove(timer);
  }

  @Override
  public List<Timer> due(long upTo, int max) {
    List<Timer> due = new ArrayList<>(Math.min(max, 16));
    for (Timer t : timers) {
      if (t.at() > upTo || due.size() == max) {
        break;
      }
      due.add(t);
    }
    return due;
  }

  /** Every SKU's counters, for checks. */
  public Map<String, StockLevel> stockLevels() {
    return Map.copyOf(stock);
  }

  /** Every remembered reservation, for checks. */
  public List<Reservation> reservations() {
    return List.copyOf(reservations.values());
  }

  /** Every remembered receipt, adjustment and unmatched event ID, for checks. */
  public List<AppliedId> appliedIds() {
    return List.copyOf(applied.values());
  }

  /** The deadline index, for checks. */
  public List<Timer> timers() {
    return List.copyOf(timers);
  }
}
