package io.stocklog.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link CartPlan} against a {@link CartContender}, as {@link Driver} runs a plan of single-SKU orders: at
 * most {@link CartContender#concurrency()} carts in flight, each placing timed from the request to its known
 * decision, a confirm or cancel sent as soon as the hold is known, a time cap after which no new cart is placed.
 * Then it lets every hold end, reads the contender's final state and counts stranded, oversold and partial
 * ({@link CartAccount}). Only the placing's latency is recorded: it is the decision a shopper waits for.
 */
final class CartDriver {

  private static final Logger log = LoggerFactory.getLogger(CartDriver.class);

  private final CpuAccount cpu = new CpuAccount();

  /**
   * @param settleSeconds how long at most to wait, after the last hold's deadline, for the store to let every
   *     hold go; 0 to skip the final state (warm-up)
   */
  CartResult run(CartContender c, CartPlan plan, Duration cap, Driver.Pacing pacing, long settleSeconds)
      throws Exception {
    log.info("carts / {}: loading {} SKUs", c.name(), plan.stock().size());
    c.load(plan.stock());
    Percentiles latency = new Percentiles();
    AtomicLong placed = new AtomicLong();
    AtomicLong held = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong late = new AtomicLong();
    AtomicLong cancelled = new AtomicLong();
    AtomicLong partial = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastDecided = new AtomicLong();
    Map<String, Long> confirmedUnits = new ConcurrentHashMap<>();
    Map<String, Long> reasons = new ConcurrentHashMap<>();
    int window = c.concurrency();
    Semaphore permits = new Semaphore(window);
    CpuAccount.Snapshot cpuBefore = cpu.snapshot();
    long start = System.nanoTime();
    long deadline = start + cap.toNanos();
    boolean capped = false;
    long issued = 0;
    for (CartPlan.Cart cart : plan.carts()) {
      long due = start + pacing.dueAfter(issued++);
      if (due > deadline) {
        capped = true;
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      permits.acquire();
      if (System.nanoTime() > deadline) {
        permits.release();
        capped = true;
        break;
      }
      long sent = pacing.closed() ? System.nanoTime() : due;
      c.place(cart, plan.holdSeconds()).handle((a, e) -> {
        if (e != null) {
          errors.incrementAndGet();
          log.debug("placing {} failed", cart.orderId(), e);
          permits.release();
          return null;
        }
        latency.add(Math.max(0, a.knownAt() - sent));
        placed.incrementAndGet();
        lastDecided.accumulateAndGet(a.knownAt(), Math::max);
        if (a.partial()) {
          partial.incrementAndGet();
        }
        if (a.decision() != CartContender.Decision.DONE) {
          rejected.incrementAndGet();
          reasons.merge(a.reason() == null ? "?" : a.reason(), 1L, Long::sum);
          permits.release();
          return null;
        }
        held.incrementAndGet();
        CompletableFuture<CartContender.Answer> next = switch (cart.followUp()) {
          case NONE -> null;
          case CONFIRM -> c.confirm(cart);
          case CANCEL -> c.cancel(cart);
        };
        if (next == null) {
          permits.release();
          return null;
        }
        next.handle((b, e2) -> {
          if (e2 != null) {
            errors.incrementAndGet();
            log.debug("{} of {} failed", cart.followUp(), cart.orderId(), e2);
          } else if (b.decision() == CartContender.Decision.DONE) {
            if (cart.followUp() == Plan.FollowUp.CONFIRM) {
              confirmed.incrementAndGet();
              cart.unitsBySku().forEach((sku, units) -> confirmedUnits.merge(sku, units, Long::sum));
            } else {
              cancelled.incrementAndGet();
            }
          } else if (b.decision() == CartContender.Decision.EXPIRED) {
            late.incrementAndGet();
          }
          if (e2 == null && b.partial()) {
            partial.incrementAndGet();
          }
          permits.release();
          return null;
        });
        return null;
      });
    }
    if (!permits.tryAcquire(window, 120, TimeUnit.SECONDS)) {
      log.warn("carts / {}: {} requests still unanswered after 120 s", c.name(), window - permits.availablePermits());
      errors.addAndGet(window - permits.availablePermits());
    }
    double jitShare = CpuAccount.jitShare(cpuBefore, cpu.snapshot());
    double seconds = Math.max(lastDecided.get() - start, 1) / 1e9;
    String note = capped ? "time cap " + cap.toSeconds() + " s reached" : "";
    if (!reasons.isEmpty()) {
      note = join(note, "rejected " + new java.util.TreeMap<>(reasons).toString().replaceAll("[{}]", "")
          .replace("=", " "));
    }
    CartAccount.Figures figures = null;
    double settled = 0;
    if (settleSeconds > 0) {
      long before = System.nanoTime();
      try {
        CartContender.Settled s = c.settle(plan, plan.holdSeconds() + settleSeconds);
        settled = (System.nanoTime() - before) / 1e9;
        Map<String, Set<String>> cartSkus = new HashMap<>();
        plan.carts().forEach(k -> cartSkus.put(k.orderId(), k.unitsBySku().keySet()));
        figures = CartAccount.of(plan.stock(), s.skus(), s.orders(), cartSkus, confirmedUnits);
        if (!s.note().isEmpty()) {
          note = join(note, s.note());
        }
        if (figures.live() > 0) {
          note = join(note, figures.live() + " orders still live when the final state was read");
        }
      } catch (Exception e) {
        log.warn("carts / {}: final state not read", c.name(), e);
        note = join(note, "final state not read: " + e);
      }
    }
    if (!c.note().isEmpty()) {
      note = join(note, c.note());
    }
    if (errors.get() > 0) {
      note = join(note, errors.get() + " errors");
    }
    CartResult r = new CartResult(c.name(), c.durability(), pacing.rate(), placed.get(), seconds, latency.summary(),
        held.get(), rejected.get(), confirmed.get(), late.get(), cancelled.get(), partial.get(), errors.get(), figures,
        settled, jitShare, note, null);
    log.info("carts / {}: {} placings decided in {} s = {}/s, p99 {} ms, held {}, rejected {}, figures {}", c.name(),
        r.placed(), String.format("%.1f", seconds), Math.round(r.throughput()), r.latency().p99() / 1_000_000,
        r.held(), r.rejected(), figures);
    return r;
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "; " + b;
  }

  /** Units per SKU over {@code carts}: the demand a plan puts on each SKU. */
  static Map<String, Long> units(Iterable<CartPlan.Cart> carts) {
    Map<String, Long> units = new HashMap<>();
    carts.forEach(c -> c.unitsBySku().forEach((sku, u) -> units.merge(sku, u, Long::sum)));
    return units;
  }
}
