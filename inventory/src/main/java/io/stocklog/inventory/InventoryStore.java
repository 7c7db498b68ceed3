package io.stocklog.inventory;

import java.util.List;

/**
 * Where {@link Inventory} keeps its state: point lookups and writes by key, and an ordered deadline index.
 * One implementation is in memory (tests, verification); the projector's is Kafka Streams key-value stores
 * backed by changelog topics. Every call touches one small record, so deciding an event costs the same
 * whether its SKU has one live reservation or a hundred thousand.
 *
 * <p>A store holds one partition's state: one clock, and the SKUs whose keys hash to that partition.
 */
public interface InventoryStore {

  /** The partition's log time so far (epoch millis), or {@link Long#MIN_VALUE} before the first event. */
  long clock();

  void clock(long time);

  /** The SKU's counters, or null if the SKU has never been seen. */
  StockLevel stock(String sku);

  void put(StockLevel stock);

  Reservation reservation(String sku, String orderId);

  void put(Reservation reservation);

  void deleteReservation(String sku, String orderId);

  AppliedId applied(String sku, AppliedId.Kind kind, String id);

  void put(AppliedId applied);

  void deleteApplied(String sku, AppliedId.Kind kind, String id);

  void add(Timer timer);

  void remove(Timer timer);

  /** Up to {@code max} timers with {@code at <= upTo}, in {@link Timer#ORDER}. */
  List<Timer> due(long upTo, int max);
}
