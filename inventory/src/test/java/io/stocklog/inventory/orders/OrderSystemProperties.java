package io.stocklog.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderLineDecided;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The whole system, simulated: many orders of several lines over a few scarce SKUs spread across three partitions,
 * each partition with its own clock (ticks lead or lag the producers' time by up to 20 s), single-SKU reservations
 * and their confirms under the same order IDs, confirms, cancels and extends racing the deadlines, repeats of any
 * record, and the partitions deciding their records in random batches at random speeds, some of the batches lost
 * to a crash and redone from the last commit. Whatever the interleaving:
 * <ul>
 *   <li>never an oversold SKU: {@code 0 <= reserved <= onHand} after every record (the counters refuse anything
 *       else), and {@code reserved} is the sum of the live holds;
 *   <li>once quiescent, every order is decided and its lines agree with it: a CONFIRMED order has every line
 *       confirmed, any other none; a REJECTED or CANCELLED order holds nothing; an EXPIRED one holds nothing once
 *       its lines' clocks reach its deadline;
 *   <li>once every clock is past every deadline, nothing is held anywhere, and each SKU's onHand is what was
 *       received less what was confirmed;
 *   <li>a redo decides what the aborted attempt did, and the same log folded again gives the same outcomes,
 *       orders and appended records.
 * </ul>
 */
class OrderSystemProperties {

  private static final Instant T0 = Cluster.T0;
  private static final int PARTITIONS = 3;
  private static final int SKUS = 4; // the last one never has stock
  private static final int ORDER_IDS = 12;

  sealed interface Action {}

  record Place(int order, List<Tuple.Tuple2<Integer, Integer>> lines, int holdSeconds) implements Action {}

  record Reserve(int sku, int order, int quantity) implements Action {}

  record ReservationConfirm(int sku, int order) implements Action {}

  record Confirm(int order) implements Action {}

  record Cancel(int order) implements Action {}

  record Extend(int order, int holdSeconds) implements Action {}

  record Repeat(int index) implements Action {}

  record Tick(int partition, int skewSeconds) implements Action {}

  record Deliver(int partition, int max, boolean crash) implements Action {}

  record Advance(int seconds) implements Action {}

  @Provide
  Arbitrary<List<Action>> histories() {
    // Mostly SKUs with stock; now and then the one that never had any.
    Arbitrary<Integer> sku = Arbitraries.frequencyOf(Tuple.of(14, Arbitraries.integers().between(0, SKUS - 2)),
        Tuple.of(1, Arbitraries.just(SKUS - 1)));
    Arbitrary<Integer> order = Arbitraries.integers().between(0, ORDER_IDS - 1);
    Arbitrary<Integer> partition = Arbitraries.integers().between(0, PARTITIONS - 1);
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> lines = Combinators.combine(sku, Arbitraries.integers().between(1, 3))
        .as(Tuple::of).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Action> action = Arbitraries.frequencyOf(
        Tuple.of(6, Combinators.combine(order, lines, Arbitraries.integers().between(5, 30)).as(Place::new)),
        Tuple.of(2, Combinators.combine(sku, order, Arbitraries.integers().between(1, 2)).as(Reserve::new)),
        Tuple.of(1, Combinators.combine(sku, order).as(ReservationConfirm::new)),
        Tuple.of(5, order.map(Confirm::new)),
        Tuple.of(2, order.map(Cancel::new)),
        Tuple.of(2, Combinators.combine(order, Arbitraries.integers().between(5, 40)).as(Extend::new)),
        Tuple.of(2, Arbitraries.integers().between(0, 1000).map(Repeat::new)),
        Tuple.of(3, Combinators.combine(partition, Arbitraries.integers().between(-20, 20)).as(Tick::new)),
        Tuple.of(10, Combinators.combine(partition, Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(0, 9).map(i -> i == 0)).as(Deliver::new)),
        Tuple.of(4, Arbitraries.integers().between(0, 15).map(Advance::new)));
    return action.list().ofMinSize(10).ofMaxSize(120);
  }

  @Property(tries = 300)
  void ordersAreAllOrNothingNeverOversellStrandNothingAndReplayTheSame(@ForAll("histories") List<Action> actions) {
    Cluster cluster = new Cluster(PARTITIONS);
    Map<String, Long> received = new HashMap<>();
    for (int s = 0; s < SKUS - 1; s++) {
      long units = 3 + s;
      cluster.append(Events.received(sku(s), "r-" + s, units, T0));
      received.put(sku(s), units);
    }
    List<Event> appended = new ArrayList<>();
    List<String> placed = new ArrayList<>();
    long t = 0;
    for (Action a : actions) {
      Instant now = T0.plusSeconds(t);
      Event e = switch (a) {
        case Place p -> {
          // Mostly a new order; now and then an order ID already placed, with this body or another.
          String id = p.order() == 0 && !placed.isEmpty() ? placed.getLast() : "o-" + placed.size();
          placed.add(id);
          yield Events.placed(id, p.holdSeconds(),
              p.lines().stream().map(l -> new OrderPlaced.Line(sku(l.get1()), l.get2())).toList(), now);
        }
        // Now and then under the ID a coming order will take, so that order finds it taken on this SKU.
        case Reserve r -> Events.requested(sku(r.sku()),
            r.order() < 3 ? "o-" + (placed.size() + r.order()) : "res-" + appended.size(), r.quantity(), 20, now);
        case ReservationConfirm c -> Events.confirmed(sku(c.sku()), known(placed, c.order()), now);
        case Confirm c -> Events.orderConfirmed(known(placed, c.order()), now);
        case Cancel c -> Events.orderCancelled(known(placed, c.order()), now);
        case Extend x -> Events.orderExtended(known(placed, x.order()), x.holdSeconds(), now);
        case Repeat r -> appended.isEmpty() ? null : appended.get(r.index() % appended.size());
        case Tick k -> {
          cluster.tick(k.partition(), now.plusSeconds(k.skewSeconds()));
          yield null;
        }
        case Deliver d -> {
          cluster.process(d.partition(), d.max(), d.crash());
          yield null;
        }
        case Advance v -> {
          t += v.seconds();
          yield null;
        }
      };
      if (e != null) {
        cluster.append(e);
        appended.add(e);
      }
    }

    cluster.settle();
    assertQuiescentAndConsistent(cluster, appended);

    cluster.orders().forEach(o -> Statistics.label("order status at quiescence").collect(o.status()));
    cluster.orderOutcomes().forEach(o -> Statistics.label("order decisions")
        .collect(o.decision() + (o.reason() == null ? "" : " " + o.reason())));
    cluster.orderOutcomes().stream().filter(o -> o.eventType().equals(OrderConfirmed.TYPE))
        .forEach(o -> Statistics.label("confirms").collect(confirmKind(o)));
    // The paths the claims are about must be taken, or the property proves nothing about them.
    Statistics.label("confirms").coverage(c -> {
      c.check("CONFIRMED").count(n -> n > 0);
      c.check("EXPIRED: a line's clock ran past the deadline first").count(n -> n > 0);
    });

    cluster.tickAllAndSettle(T0.plusSeconds(t + 86_400));
    assertQuiescentAndConsistent(cluster, appended);
    assertNothingHeldAndNothingOversold(cluster, received);
    cluster.assertRefoldGivesTheSameOutputs();
  }

  private static void assertQuiescentAndConsistent(Cluster cluster, List<Event> appended) {
    for (Event e : appended) {
      if (e instanceof OrderEvent && !(e instanceof OrderLineDecided)) {
        assertThat(cluster.answersTo(e.eventId()).stream()
            .filter(o -> o.decision() != Decision.EXPIRED && o.decision() != Decision.PENDING))
            .as("%s is answered", e).isNotEmpty();
      }
    }
    // Every order was PENDING first, once, before anything else was said of it.
    Map<String, List<Decision>> byOrder = new HashMap<>();
    cluster.orderOutcomes()
        .forEach(o -> byOrder.computeIfAbsent(o.orderId(), k -> new ArrayList<>()).add(o.decision()));
    for (Order order : cluster.orders()) {
      List<Decision> said = byOrder.get(order.orderId());
      assertThat(said).as("what was said of %s", order.orderId()).isNotEmpty();
      assertThat(said.getFirst()).as("the first word on %s", order.orderId()).isEqualTo(Decision.PENDING);
      assertThat(said.stream().filter(d -> d == Decision.PENDING)).as("PENDING once for %s", order.orderId())
          .hasSize(1);
    }
    for (Order order : cluster.orders()) {
      assertThat(order.status()).as("%s is decided", order).isNotEqualTo(OrderStatus.PENDING);
      assertThat(order.phase()).as("%s waits for nothing", order).isEqualTo(Order.Phase.IDLE);
      assertThat(order.queue()).isEmpty();
      Map<String, Long> asked = new HashMap<>();
      order.placed().forEach(p -> asked.merge(p.sku(), p.quantity(), Long::sum));
      assertThat(order.lines()).as("one line per SKU of %s, its lines summed", order)
          .extracting(OrderLine::sku, OrderLine::quantity)
          .containsExactlyInAnyOrderElementsOf(asked.entrySet().stream()
              .map(x -> org.assertj.core.groups.Tuple.tuple(x.getKey(), x.getValue())).toList());
      for (OrderLine l : order.lines()) {
        Reservation r = cluster.line(l.sku(), order.orderId());
        if (r == null || !r.line()) {
          assertThat(l.status()).as("a line refused for its ID holds nothing: %s", order)
              .isEqualTo(ReservationStatus.REJECTED);
          continue;
        }
        assertThat(r.quantity()).as("the line of %s on %s holds what the order asked", order, l.sku())
            .isEqualTo(l.quantity());
        long lineClock = cluster.clock(cluster.partitionOf(l.sku()));
        switch (order.status()) {
          case CONFIRMED -> assertThat(r.status()).as("every line of confirmed %s", order)
              .isEqualTo(ReservationStatus.CONFIRMED);
          case HELD -> {
            assertThat(r.expiresAt()).as("the line's deadline is the order's").isEqualTo(order.expiresAt());
            if (r.status() != ReservationStatus.HELD) {
              assertThat(r.status()).as("a line of held %s", order).isEqualTo(ReservationStatus.EXPIRED);
              assertThat(lineClock).as("only a line whose clock passed the deadline expired first")
                  .isGreaterThanOrEqualTo(order.expiresAt());
            }
          }
          case REJECTED, CANCELLED -> assertThat(r.status().live()).as("a line of %s holds nothing", order).isFalse();
          case EXPIRED -> {
            assertThat(r.status()).as("a line of expired %s", order)
                .isNotIn(ReservationStatus.PREPARED, ReservationStatus.CONFIRMED);
            if (r.status() == ReservationStatus.HELD) {
              assertThat(lineClock).as("a line of expired %s still held only before its deadline", order)
                  .isLessThan(r.expiresAt());
            }
          }
          case PENDING -> throw new AssertionError("pending at quiescence: " + order);
        }
      }
    }
    for (int p = 0; p < PARTITIONS; p++) {
      // Quiescent, no step is under way, so the index is exactly the function of the orders a restart rebuilds.
      List<OrderTimer> expected = cluster.orders(p).stream()
          .flatMap(o -> OrderTimers.of(o, Inventory.DEFAULT_RETENTION).stream()).sorted().toList();
      assertThat(cluster.orderTimers(p)).as("partition %d's order deadline index", p).isEqualTo(expected);
    }
    Map<String, Long> live = new HashMap<>();
    for (Reservation r : cluster.reservations()) {
      if (r.status().live()) {
        live.merge(r.sku(), r.quantity(), Long::sum);
      }
    }
    for (StockLevel s : cluster.stock().values()) {
      assertThat(s.reserved()).as("reserved of %s is its live holds", s.sku()).isEqualTo(live.getOrDefault(s.sku(), 0L));
    }
  }

  private static void assertNothingHeldAndNothingOversold(Cluster cluster, Map<String, Long> received) {
    assertThat(cluster.orders()).extracting(Order::status).doesNotContain(OrderStatus.HELD, OrderStatus.PENDING);
    assertThat(cluster.reservations()).noneMatch(r -> r.status().live());
    Map<String, Long> confirmed = new HashMap<>();
    cluster.reservations().stream().filter(r -> r.status() == ReservationStatus.CONFIRMED)
        .forEach(r -> confirmed.merge(r.sku(), r.quantity(), Long::sum));
    for (StockLevel s : cluster.stock().values()) {
      assertThat(s.reserved()).as("nothing stranded on %s", s.sku()).isZero();
      assertThat(s.onHand()).as("%s: received less confirmed", s.sku())
          .isEqualTo(received.getOrDefault(s.sku(), 0L) - confirmed.getOrDefault(s.sku(), 0L));
    }
  }

  private static String sku(int i) {
    return "sku-" + i;
  }

  private static String confirmKind(OrderOutcome o) {
    if (o.decision() == Decision.REJECTED && o.reason() == Reason.EXPIRED
        && o.lines().stream().anyMatch(l -> l.reason() == Reason.EXPIRED)) {
      return "EXPIRED: a line's clock ran past the deadline first";
    }
    return o.decision() + (o.reason() == null ? "" : " " + o.reason());
  }

  /** An order ID placed so far, the later ones more often; one never placed if none was. */
  private static String known(List<String> placed, int pick) {
    return placed.isEmpty() ? "o-never" : placed.get(Math.max(0, placed.size() - 1 - pick % 4));
  }
}
