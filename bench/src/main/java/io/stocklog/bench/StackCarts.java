package io.stocklog.bench;

import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.inventory.orders.InMemoryOrderStore;
import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderLine;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.OrderAgreement;
import io.stocklog.verify.PartitionFold;
import io.stocklog.verify.ReplayListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both ways of sending carts to this system share: the stock loaded through the log as receipts (a
 * {@link KafkaContender}'s producer), the decisions learnt as {@link OrderOutcome}s, and the final state taken
 * from the log itself: once every hold's deadline has passed by the wall clock (the projector then ticks the quiet
 * partitions past it), the whole of {@code inventory.events} is folded offline ({@link LogReplay}, the projector's
 * own fold) and the plan's SKUs, orders and lines read from that fold. So the figures are what the system of record
 * says, not what the clients were told.
 */
abstract class StackCarts implements CartContender {

  private static final Logger log = LoggerFactory.getLogger(StackCarts.class);

  final KafkaContender stack;
  final OutcomeWatcher watcher;
  private final String bootstrapServers;
  private final AtomicLong lastPlacedAt = new AtomicLong();

  StackCarts(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, int inFlight) {
    this.bootstrapServers = bootstrapServers;
    this.watcher = watcher;
    this.stack = new KafkaContender(bootstrapServers, eventsTopic, watcher, inFlight);
  }

  @Override
  public Durability durability() {
    return stack.durability();
  }

  @Override
  public int concurrency() {
    return stack.concurrency();
  }

  @Override
  public void load(Map<String, Long> stock) throws Exception {
    stack.load(stock);
  }

  /** Notes that a placing goes out now, so {@link #settle} knows when the last hold can have ended. */
  void placing() {
    lastPlacedAt.accumulateAndGet(System.currentTimeMillis(), Math::max);
  }

  /** A placing's answer from its order outcome: held or rejected, and whether its lines show a partial order. */
  static Answer placed(OrderOutcome o, long knownAt) {
    boolean held = o.status() == OrderStatus.HELD;
    boolean partial = o.lines().stream().anyMatch(l -> held ? l.status() != ReservationStatus.HELD
        : l.status() != null && l.status().live());
    return new Answer(held ? Decision.DONE : Decision.REFUSED, partial, knownAt,
        held ? null : o.reason() == null ? o.decision().name() : o.reason().name());
  }

  /** A confirm's or cancel's answer: done, too late (the hold had ended), or refused for another reason. */
  static Answer ended(OrderOutcome o, long knownAt) {
    if (o.decision() == io.stocklog.outcomes.Decision.CONFIRMED
        || o.decision() == io.stocklog.outcomes.Decision.CANCELLED) {
      return new Answer(Decision.DONE, false, knownAt, null);
    }
    boolean late = o.reason() == io.stocklog.outcomes.Reason.EXPIRED || o.status() == OrderStatus.EXPIRED;
    return new Answer(late ? Decision.EXPIRED : Decision.REFUSED, false, knownAt,
        o.reason() == null ? o.decision().name() : o.reason().name());
  }

  @Override
  public Settled settle(CartPlan plan, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    // Every hold ends by the wall clock at the latest placing plus the hold; the projector's ticks carry that into
    // the log within its tick interval.
    long lastEnd = lastPlacedAt.get() + plan.holdSeconds() * 1000L + 1000;
    long sleep = lastEnd - System.currentTimeMillis();
    if (sleep > 0) {
      Thread.sleep(sleep);
    }
    Set<String> orderIds = new HashSet<>();
    plan.carts().forEach(c -> orderIds.add(c.orderId()));
    LogReplay replay = LogReplay.of(bootstrapServers, stack.eventsTopic);
    while (true) {
      LogReplay.Result<InMemoryInventoryStore> result = replay.replay(replay.lastOffsets(), ReplayListener.ignoring());
      Collection<PartitionFold<InMemoryInventoryStore>> folds = result.folds().values();
      Map<String, CartAccount.SkuState> skus = new HashMap<>();
      for (PartitionFold<InMemoryInventoryStore> f : folds) {
        for (StockLevel s : f.state().stockLevels().values()) {
          if (plan.stock().containsKey(s.sku())) {
            skus.put(s.sku(), new CartAccount.SkuState(s.onHand(), s.reserved()));
          }
        }
      }
      List<CartAccount.OrderState> orders = new ArrayList<>();
      boolean busy = false;
      for (PartitionFold<InMemoryInventoryStore> f : folds) {
        if (!(f.orders() instanceof InMemoryOrderStore store)) {
          continue;
        }
        for (Order o : store.orders()) {
          if (!orderIds.contains(o.orderId())) {
            continue;
          }
          busy |= o.phase() != Order.Phase.IDLE;
          List<CartAccount.LineState> lines = new ArrayList<>();
          for (OrderLine l : o.lines()) {
            Reservation r = line(folds, l.sku(), o.orderId());
            lines.add(new CartAccount.LineState(l.sku(), l.quantity(), r == null ? null : r.status()));
          }
          orders.add(new CartAccount.OrderState(o.orderId(), o.status(), lines));
        }
      }
      long live = orders.stream().filter(o -> o.status() == OrderStatus.HELD || o.status() == OrderStatus.PENDING)
          .count();
      long reserved = skus.values().stream().mapToLong(CartAccount.SkuState::reserved).sum();
      boolean settled = live == 0 && reserved == 0 && !busy;
      if (settled || System.nanoTime() > deadline) {
        List<String> disagreements = OrderAgreement.violations(folds);
        String note = String.format("final state: a fold of %,d records of the log", result.records())
            + (disagreements.isEmpty() ? "; OrderAgreement holds"
                : "; OrderAgreement: " + disagreements.size() + " lines disagree with their order");
        disagreements.stream().limit(20).forEach(d -> log.warn("carts / {}: {}", name(), d));
        if (!settled) {
          log.warn("carts / {}: not settled after {} s: {} orders live, {} units reserved", name(), timeoutSeconds,
              live, reserved);
        }
        return new Settled(skus, orders, note);
      }
      log.info("carts / {}: {} orders live, {} units reserved at {}; folding again", name(), live, reserved,
          Instant.now());
      Thread.sleep(2_000);
    }
  }

  private static Reservation line(Collection<PartitionFold<InMemoryInventoryStore>> folds, String sku,
      String orderId) {
    for (PartitionFold<InMemoryInventoryStore> f : folds) {
      Reservation r = f.state().reservation(sku, orderId);
      if (r != null && r.line()) {
        return r;
      }
    }
    return null;
  }

  @Override
  public void close() {
    stack.close();
  }
}
