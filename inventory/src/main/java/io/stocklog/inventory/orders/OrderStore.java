package io.stocklog.inventory.orders;

import java.util.List;

/**
 * Where the {@link Coordinator} keeps one partition's orders: point lookups and writes by order ID, and an ordered
 * deadline index. One implementation is in memory (tests, verification); the projector's will be Kafka Streams
 * key-value stores. The partition's clock is not here: it is the partition's one clock, kept with its inventory.
 */
public interface OrderStore {

  Order order(String orderId);

  void put(Order order);

  void delete(String orderId);

  void add(OrderTimer timer);

  void remove(OrderTimer timer);

  /** Up to {@code max} timers with {@code at <= upTo}, in time order. */
  List<OrderTimer> due(long upTo, int max);
}
