package io.stocklog.projector;

import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderStore;
import io.stocklog.inventory.orders.OrderTimer;
import io.stocklog.inventory.orders.OrderTimers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@link OrderStore} of one task: the orders its partition coordinates in the Kafka Streams key-value store
 * {@value #ORDERS} (logged to a changelog like the inventory's stores, {@link OrderCodec}'s bytes under the order
 * ID), and the coordinator's deadline index in memory. The index is a function of the orders ({@link OrderTimers}),
 * so it is not stored: it is built by one scan of the orders when first used (after Kafka Streams restored the
 * store, in the task's processor init) and then kept in step by the coordinator's adds and removes, as
 * {@link KeyValueInventoryStore} keeps the holds' index. Not thread-safe: one per task.
 */
public final class KeyValueOrderStore implements OrderStore {

  public static final String ORDERS = "orders";

  private final KeyValueStore<Bytes, byte[]> orders;
  private final Duration retention;
  /** The deadline index; null until first used. */
  private NavigableSet<OrderTimer> timers;
  /** The held orders' deadlines alone: what a quiet partition needs a tick for. */
  private final NavigableSet<OrderTimer> expiries = new TreeSet<>();

  public KeyValueOrderStore(KeyValueStore<Bytes, byte[]> orders, Duration retention) {
    this.orders = Objects.requireNonNull(orders, ORDERS);
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  public static KeyValueOrderStore of(ProcessorContext<?, ?> context, Duration retention) {
    return new KeyValueOrderStore(context.getStateStore(ORDERS), retention);
  }

  private NavigableSet<OrderTimer> timers() {
    if (timers == null) {
      timers = new TreeSet<>();
      try (KeyValueIterator<Bytes, byte[]> it = orders.all()) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> e = it.next();
          OrderTimers.of(OrderCodec.order(e.key.get(), e.value), retention).ifPresent(timers::add);
        }
      }
      timers.stream().filter(t -> t.kind() == OrderTimer.Kind.EXPIRE).forEach(expiries::add);
    }
    return timers;
  }

  @Override
  public Order order(String orderId) {
    byte[] key = OrderCodec.key(orderId);
    byte[] value = orders.get(Bytes.wrap(key));
    return value == null ? null : OrderCodec.order(key, value);
  }

  @Override
  public void put(Order order) {
    orders.put(Bytes.wrap(OrderCodec.key(order.orderId())), OrderCodec.encode(order));
  }

  @Override
  public void delete(String orderId) {
    orders.delete(Bytes.wrap(OrderCodec.key(orderId)));
  }

  @Override
  public void add(OrderTimer timer) {
    timers().add(timer);
    if (timer.kind() == OrderTimer.Kind.EXPIRE) {
      expiries.add(timer);
    }
  }

  @Override
  public void remove(OrderTimer timer) {
    timers().remove(timer);
    expiries.remove(timer);
  }

  @Override
  public List<OrderTimer> due(long upTo, int max) {
    List<OrderTimer> due = new ArrayList<>(Math.min(max, 16));
    Iterator<OrderTimer> it = timers().iterator();
    while (due.size() < max && it.hasNext()) {
      OrderTimer timer = it.next();
      if (timer.at() > upTo) {
        break;
      }
      due.add(timer);
    }
    return due;
  }

  /** The earliest held order's deadline (log time, epoch millis), or null when no order is held. */
  public Long earliestExpiry() {
    timers();
    return expiries.isEmpty() ? null : expiries.first().at();
  }
}
