package io.stocklog.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.Reservation;
import io.stocklog.outcomes.OrderOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole system in memory, as the projector will run it, with nothing but the pure rules: several partitions, each
 * with its own log (a list of records), its own clock (the largest {@code occurredAt} in its log so far) and an
 * {@link OrderPartition} over in-memory stores. A record is routed to a partition by its key (SKU or order ID), as
 * Kafka does; what a partition appends goes to the end of its target's log, as its transaction commits.
 *
 * <p>A partition decides a batch of its records as one transaction. It commits (its outputs are appended and its
 * offset moves), or it crashes: its outputs are thrown away and its state is the one of its last commit (rebuilt by
 * folding its committed log again, as a restore from the changelog does), so the same records are decided again
 * later. What a redo appends must equal what the aborted attempt produced, record for record: the command service
 * answers from uncommitted outcomes, and the deterministic IDs promise it. The cluster checks that on every redo.
 */
final class Cluster {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private final List<Part> parts = new ArrayList<>();
  /** What each event decided, by event ID and position, the first time it was decided (committed or not). */
  private final Map<String, OrderPartition.Folded> firstAttempts = new HashMap<>();

  Cluster(int partitions) {
    for (int i = 0; i < partitions; i++) {
      parts.add(new Part(i));
    }
  }

  int partitions() {
    return parts.size();
  }

  int partitionOf(String key) {
    return Math.floorMod(key.hashCode(), parts.size());
  }

  int partitionOf(Event e) {
    return switch (e) {
      case SkuEvent s -> partitionOf(s.sku());
      case OrderEvent o -> partitionOf(o.orderId());
      case ClockTick t -> throw new IllegalArgumentException("a tick goes to the partition it is for");
    };
  }

  /** An upstream producer appends {@code e} to the partition its key names. */
  void append(Event e) {
    parts.get(partitionOf(e)).log.add(e);
  }

  /** A tick for partition {@code p}, as the projector appends one when a hold there is due. */
  void tick(int p, Instant at) {
    parts.get(p).log.add(new ClockTick(Event.SCHEMA_VERSION, "tick-" + p + "-" + parts.get(p).log.size(), at));
  }

  /** Ticks every partition at {@code at}, then decides everything. */
  void tickAllAndSettle(Instant at) {
    for (int p = 0; p < parts.size(); p++) {
      tick(p, at);
    }
    settle();
  }

  boolean pending(int p) {
    Part part = parts.get(p);
    return part.committed < part.log.size();
  }

  /** Partition {@code p} decides up to {@code max} of its records as one transaction, then commits or crashes. */
  void process(int p, int max, boolean crash) {
    Part part = parts.get(p);
    int end = (int) Math.min(part.log.size(), (long) part.committed + max);
    List<OrderPartition.Folded> decided = new ArrayList<>();
    for (int offset = part.committed; offset < end; offset++) {
      Event e = part.log.get(offset);
      OrderPartition.Folded folded = part.fold.apply(e);
      OrderPartition.Folded first = firstAttempts.putIfAbsent(p + "@" + offset, folded);
      if (first != null) {
        assertThat(folded).as("a redo of %s at %d-%d decides what the first attempt did", e, p, offset)
            .isEqualTo(first);
      }
      decided.add(folded);
    }
    if (crash) {
      part.restore();
      return;
    }
    for (OrderPartition.Folded f : decided) {
      part.committedOutputs.add(f);
      f.appends().forEach(this::append);
    }
    part.committed = end;
  }

  /** Every partition decides all it has, round after round, until nothing is left: the system is quiescent. */
  void settle() {
    boolean any = true;
    for (int round = 0; any; round++) {
      if (round > 10_000) {
        throw new AssertionError("the system never settles: records keep causing records");
      }
      any = false;
      for (int p = 0; p < parts.size(); p++) {
        if (pending(p)) {
          process(p, Integer.MAX_VALUE, false);
          any = true;
        }
      }
    }
  }

  /** The clock of partition {@code p}: the largest time its committed records carry. */
  long clock(int p) {
    return parts.get(p).inventoryStore.clock();
  }

  /** The order, from its coordinator's partition. */
  Order order(String orderId) {
    return parts.get(partitionOf(orderId)).orderStore.order(orderId);
  }

  List<Order> orders() {
    List<Order> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.orderStore.orders()));
    return all;
  }

  /** The coordinator's deadline index of partition {@code p}. */
  List<OrderTimer> orderTimers(int p) {
    return parts.get(p).orderStore.timers();
  }

  /** The orders coordinated by partition {@code p}. */
  List<Order> orders(int p) {
    return parts.get(p).orderStore.orders();
  }

  /** The line or reservation under (sku, orderId), from the SKU's partition. */
  Reservation line(String sku, String orderId) {
    return parts.get(partitionOf(sku)).inventoryStore.reservation(sku, orderId);
  }

  List<Reservation> reservations() {
    List<Reservation> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.inventoryStore.reservations()));
    return all;
  }

  Map<String, io.stocklog.inventory.StockLevel> stock() {
    Map<String, io.stocklog.inventory.StockLevel> all = new HashMap<>();
    parts.forEach(p -> all.putAll(p.inventoryStore.stockLevels()));
    return all;
  }

  /** Every order outcome committed, in the order each partition decided them. */
  List<OrderOutcome> orderOutcomes() {
    List<OrderOutcome> all = new ArrayList<>();
    parts.forEach(p -> p.committedOutputs.forEach(f -> all.addAll(f.orders())));
    return all;
  }

  /** The order outcomes that answer event {@code eventId}. */
  List<OrderOutcome> answersTo(String eventId) {
    return orderOutcomes().stream().filter(o -> o.eventId().equals(eventId)).toList();
  }

  /**
   * Each partition's whole log folded again from nothing, by fresh instances: the same log gives the same
   * outcomes, orders and appended records as the run did.
   */
  void assertRefoldGivesTheSameOutputs() {
    for (Part part : parts) {
      assertThat(part.committed).as("partition %d has decided its whole log", part.index).isEqualTo(part.log.size());
      OrderPartition again = new OrderPartition(new InMemoryInventoryStore(), new InMemoryOrderStore(),
          Inventory.DEFAULT_RETENTION);
      List<OrderPartition.Folded> refolded = new ArrayList<>();
      part.log.forEach(e -> refolded.add(again.apply(e)));
      assertThat(refolded).as("partition %d folded twice", part.index).isEqualTo(part.committedOutputs);
    }
  }

  private static final class Part {
    final int index;
    final List<Event> log = new ArrayList<>();
    final List<OrderPartition.Folded> committedOutputs = new ArrayList<>();
    int committed;
    InMemoryInventoryStore inventoryStore;
    InMemoryOrderStore orderStore;
    OrderPartition fold;

    Part(int index) {
      this.index = index;
      fresh();
    }

    private void fresh() {
      inventoryStore = new InMemoryInventoryStore();
      orderStore = new InMemoryOrderStore();
      fold = new OrderPartition(inventoryStore, orderStore, Inventory.DEFAULT_RETENTION);
    }

    /** The state of the last commit: the committed records folded again (their outputs already went out). */
    void restore() {
      fresh();
      for (int offset = 0; offset < committed; offset++) {
        fold.apply(log.get(offset));
      }
    }
  }
}
