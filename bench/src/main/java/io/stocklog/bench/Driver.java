package io.stocklog.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan} against a {@link Contender}: at most {@link Contender#concurrency()} orders in
 * flight, each timed from the request to its known outcome, follow-ups sent as soon as a hold is known.
 * Stops issuing new orders when the time cap is reached, so a slow strategy cannot hold the whole
 * benchmark up; the figures then cover what was decided and the note says so.
 *
 * <p>Two ways to pace the orders ({@link Pacing}): closed loop, where a new order goes out as soon as one
 * is answered (this finds the maximum throughput, and its latency is mostly queueing); and open loop at a
 * fixed rate, where order {@code i} is due at {@code start + i / rate} whatever the answers do. Open-loop
 * latency runs from when the order was <em>due</em>, not from when it went out, so a stall that holds the
 * sender back counts against the contender (no coordinated omission).
 */
final class Driver {

  private static final Logger log = LoggerFactory.getLogger(Driver.class);

  private final Duration cap;
  private final VisibilityProbe probe;
  private final CpuAccount cpu = new CpuAccount();
  private final boolean cpuBreakdown;
  private final LogRecords logRecords;

  Driver(Duration cap, VisibilityProbe probe) {
    this(cap, probe, false, null);
  }

  /**
   * Every run's result carries the JIT's share of this JVM's CPU during it.
   *
   * @param cpuBreakdown also where all of this JVM's CPU went, by part of the system (the CPU table)
   */
  Driver(Duration cap, VisibilityProbe probe, boolean cpuBreakdown) {
    this(cap, probe, cpuBreakdown, null);
  }

  /** @param logRecords where to count the records a run appends to this system's broker; null for none */
  Driver(Duration cap, VisibilityProbe probe, boolean cpuBreakdown, LogRecords logRecords) {
    this.cap = cap;
    this.probe = probe;
    this.cpuBreakdown = cpuBreakdown;
    this.logRecords = logRecords;
  }

  /** How orders are issued: as fast as answers allow, or at a fixed rate per second. */
  record Pacing(double rate) {

    static final Pacing CLOSED = new Pacing(0);

    static Pacing open(double rate) {
      if (!(rate > 0)) {
        throw new IllegalArgumentException("an open-loop rate must be positive (was " + rate + ")");
      }
      return new Pacing(rate);
    }

    boolean closed() {
      return rate <= 0;
    }

    /** When order {@code i} is due, in nanoseconds after the start; 0 for all in a closed loop. */
    long dueAfter(long i) {
      return closed() ? 0 : (long) (i * 1e9 / rate);
    }
  }

  RunResult run(String workload, int partitions, Contender c, Plan plan) throws Exception {
    return run(workload, partitions, c, plan, cap, Pacing.CLOSED);
  }

  RunResult run(String workload, int partitions, Contender c, Plan plan, Duration cap, Pacing pacing)
      throws Exception {
    log.info("{} / {}: loading {} SKUs", workload, c.name(), plan.stock().size());
    c.load(plan.stock());
    OversellLedger ledger = new OversellLedger(plan.stock());
    Percentiles latency = new Percentiles();
    AtomicLong decisions = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastDone = new AtomicLong();
    int window = c.concurrency();
    Semaphore permits = new Semaphore(window);
    log.info("{} / {}: {} orders, {} in flight", workload, c.name(), plan.orders().size(), window);
    Map<String, Long> endsBefore = logRecords == null ? null : logRecords.ends();
    CpuAccount.Snapshot cpuBefore = cpu.snapshot();
    long start = System.nanoTime();
    long deadline = start + cap.toNanos();
    boolean capped = false;
    long issued = 0;
    for (Plan.Order o : plan.orders()) {
      long due = start + pacing.dueAfter(issued++);
      if (due > deadline) {
        capped = true;
        break;
      }
      sleepUntil(due);
      permits.acquire();
      if (System.nanoTime() > deadline) {
        permits.release();
        capped = true;
        break;
      }
      // Closed loop: timed from now. Open loop: from when it was due, so time spent held back counts.
      long sent = pacing.closed() ? System.nanoTime() : due;
      c.reserve(o.sku(), o.orderId(), o.quantity()).handle((a, e) -> {
        if (e != null) {
          errors.incrementAndGet();
          log.debug("reserve {} failed", o.orderId(), e);
          permits.release();
          return null;
        }
        record(a, sent, latency, decisions, granted, retries, lastDone);
        if (!a.granted()) {
          permits.release();
          return null;
        }
        ledger.held(o.sku(), o.quantity());
        if (probe != null && a.position() != null) {
          probe.maybeProbe(o.sku(), o.orderId(), a.position(), a.knownAt());
        }
        CompletableFuture<Contender.Answer> next = switch (o.followUp()) {
          case NONE -> null;
          case CONFIRM -> c.confirm(o.sku(), o.orderId(), o.quantity());
          case CANCEL -> c.cancel(o.sku(), o.orderId(), o.quantity());
        };
        if (next == null) {
          permits.release();
          return null;
        }
        long sentNext = System.nanoTime();
        next.handle((b, e2) -> {
          if (e2 != null) {
            errors.incrementAndGet();
          } else {
            record(b, sentNext, latency, decisions, granted, retries, lastDone);
            if (b.granted() && o.followUp() == Plan.FollowUp.CANCEL) {
              ledger.cancelled(o.sku(), o.quantity());
            }
          }
          permits.release();
          return null;
        });
        return null;
      });
    }
    if (!permits.tryAcquire(window, 120, TimeUnit.SECONDS)) {
      log.warn("{} / {}: {} requests still unanswered after 120 s", workload, c.name(), window - permits.availablePermits());
      errors.addAndGet(window - permits.availablePermits());
    }
    // Open loop: over the time the orders were offered (or to the last answer if that came later).
    CpuAccount.Snapshot cpuAfter = cpu.snapshot();
    Map<String, Long> cpuSpent = cpuBreakdown ? CpuAccount.between(cpuBefore, cpuAfter) : null;
    double jitShare = CpuAccount.jitShare(cpuBefore, cpuAfter);
    double seconds = Math.max(lastDone.get() - start, 1) / 1e9;
    Map<String, Long> appended = logRecords == null ? null : LogRecords.between(endsBefore, logRecords.ends());
    Map<String, Long> remaining = c.remaining(plan.stock().keySet());
    long oversold = ledger.oversold(remaining);
    String note = capped ? "time cap " + cap.toSeconds() + " s reached" : "";
    if (!c.note().isEmpty()) {
      note = (note.isEmpty() ? "" : note + "; ") + c.note();
    }
    if (errors.get() > 0) {
      note = (note.isEmpty() ? "" : note + "; ") + errors.get() + " errors";
    }
    Percentiles.Summary visible = probe == null ? new Percentiles.Summary(0, 0, 0, 0, 0) : probe.drain();
    RunResult r = new RunResult(workload, c.name(), partitions, decisions.get(), seconds, latency.summary(),
        granted.get(), oversold, retries.get(), errors.get(), visible, null, note, pacing.rate(), cpuSpent,
        c.durability(), jitShare, appended);
    log.info("{} / {}: {} decisions in {} s = {}/s, p99 {} ms, oversold {}", workload, c.name(), r.decisions(),
        String.format("%.1f", seconds), Math.round(r.throughput()), r.latency().p99() / 1_000_000, oversold);
    return r;
  }

  /**
   * Sleeps until {@code due}, never spins: a spinning sender would take a core from the system under test.
   * A sleep overshoots by a little; since open-loop latency runs from {@code due}, that counts against the
   * contender, never for it.
   */
  private static void sleepUntil(long due) throws InterruptedException {
    long wait = due - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static void record(Contender.Answer a, long sent, Percentiles latency, AtomicLong decisions,
      AtomicLong granted, AtomicLong retries, AtomicLong lastDone) {
    latency.add(Math.max(0, a.knownAt() - sent));
    decisions.incrementAndGet();
    if (a.granted()) {
      granted.incrementAndGet();
    }
    retries.addAndGet(a.retries());
    lastDone.accumulateAndGet(a.knownAt(), Math::max);
  }
}
