package io.stocklog.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.LineResult;
import io.stocklog.events.OrderLineDecided;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.Inventory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Deciding an order's record must not grow with the number of live orders its coordinator keeps, as deciding a
 * SKU's event does not grow with its live holds ({@code DecisionCostTest}). Shown without timing: every store call
 * is counted, and the counts with 20,000 held orders in the partition equal the counts with none.
 */
class CoordinatorCostTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final long NOW = T0.toEpochMilli();

  /** An {@link OrderStore} that counts the calls made to it. */
  private static final class Counting implements OrderStore {
    final InMemoryOrderStore inner = new InMemoryOrderStore();
    final Map<String, Long> calls = new TreeMap<>();

    private void count(String call) {
      calls.merge(call, 1L, Long::sum);
    }

    @Override
    public Order order(String orderId) {
      count("order");
      return inner.order(orderId);
    }

    @Override
    public void put(Order order) {
      count("put");
      inner.put(order);
    }

    @Override
    public void delete(String orderId) {
      count("delete");
      inner.delete(orderId);
    }

    @Override
    public void add(OrderTimer timer) {
      count("add(timer)");
      inner.add(timer);
    }

    @Override
    public void remove(OrderTimer timer) {
      count("remove(timer)");
      inner.remove(timer);
    }

    @Override
    public List<OrderTimer> due(long upTo, int max) {
      count("due");
      List<OrderTimer> due = inner.due(upTo, max);
      calls.merge("timers returned", (long) due.size(), Long::sum);
      return due;
    }
  }

  /** The calls that placing one order, hearing its two lines and confirming it cost, after {@code live} held orders. */
  private static List<Map<String, Long>> costsAfter(int live) {
    Counting store = new Counting();
    Coordinator coordinator = new Coordinator(store, Inventory.DEFAULT_RETENTION);
    for (int i = 0; i < live; i++) {
      hold(coordinator, "o-" + i);
    }
    store.calls.clear();
    Map<String, Long> place = measure(store, () -> coordinator.apply(placed("o-new"), NOW));
    Map<String, Long> answer = measure(store, () -> coordinator.apply(held("o-new", "a"), NOW));
    Map<String, Long> lastAnswer = measure(store, () -> coordinator.apply(held("o-new", "b"), NOW));
    Map<String, Long> confirm = measure(store, () -> coordinator.apply(Events.orderConfirmed("o-new", T0), NOW));
    return List.of(place, answer, lastAnswer, confirm);
  }

  private static Map<String, Long> measure(Counting store, Runnable decide) {
    store.calls.clear();
    decide.run();
    return new TreeMap<>(store.calls);
  }

  private static void hold(Coordinator coordinator, String orderId) {
    coordinator.apply(placed(orderId), NOW);
    coordinator.apply(held(orderId, "a"), NOW);
    coordinator.apply(held(orderId, "b"), NOW);
  }

  private static OrderPlaced placed(String orderId) {
    return Events.placed(orderId, 3600, List.of(new OrderPlaced.Line("a", 1), new OrderPlaced.Line("b", 1)), T0);
  }

  private static Event held(String orderId, String sku) {
    return new OrderLineDecided(Event.SCHEMA_VERSION, LineIds.of(orderId, 1, "decided", sku), orderId, T0, sku, 1,
        LineResult.HELD, 5);
  }

  @Test
  void decidingAnOrdersRecordMakesTheSameStoreCallsWithTwentyThousandHeldOrdersAsWithNone() {
    List<Map<String, Long>> first = costsAfter(0);
    List<Map<String, Long>> late = costsAfter(20_000);

    assertThat(first.getFirst()).as("placing reads its order, asks what is due, writes it")
        .containsEntry("order", 1L).containsEntry("put", 1L).containsKey("due");
    assertThat(late).isEqualTo(first);
  }
}
