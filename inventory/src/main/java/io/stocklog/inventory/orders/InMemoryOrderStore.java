package io.stocklog.inventory.orders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/** An {@link OrderStore} in plain collections: for tests, and for folding a log in memory. */
public final class InMemoryOrderStore implements OrderStore {

  private final Map<String, Order> orders = new HashMap<>();
  private final NavigableSet<OrderTimer> timers = new TreeSet<>();

  @Override
  public Order order(String orderId) {
    return orders.get(orderId);
  }

  @Override
  public void put(Order order) {
    orders.put(order.orderId(), order);
  }

  @Override
  public void delete(String orderId) {
    orders.remove(orderId);
  }

  @Override
  public void add(OrderTimer timer) {
    timers.add(timer);
  }

  @Override
  public void remove(OrderTimer timer) {
    timers.remove(timer);
  }

  @Override
  public List<OrderTimer> due(long upTo, int max) {
    List<OrderTimer> due = new ArrayList<>();
    for (OrderTimer t : timers) {
      if (t.at() > upTo || due.size() == max) {
        break;
      }
      due.add(t);
    }
    return due;
  }

  /** Every remembered order, for checks. */
  public List<Order> orders() {
    return List.copyOf(orders.values());
  }

  /** The deadline index, for checks. */
  public List<OrderTimer> timers() {
    return List.copyOf(timers);
  }
}
