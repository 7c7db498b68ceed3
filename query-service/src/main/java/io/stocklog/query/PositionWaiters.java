package io.stocklog.query;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.PartitionPosition;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read-your-writes waits, woken by the {@link AppliedWatcher}'s rounds instead of each polling Postgres: a
 * thousand waiting callers cost the database what one does, the watcher's round per batch.
 *
 * <p>A waiter registers, then looks at the highest applied offset known for its partition; a round raises that
 * offset, then wakes the registered waiters it satisfies. Either the waiter sees the new offset or the round sees
 * the waiter, so none sleeps past a round that satisfied it.
 */
final class PositionWaiters implements AppliedWatcher.Listener {

  private final AtomicLongArray applied;
  private final Set<Waiter>[] waiting;
  private final AtomicInteger count = new AtomicInteger();

  @SuppressWarnings("unchecked")
  PositionWaiters(int partitions) {
    this.applied = new AtomicLongArray(partitions);
    this.waiting = new Set[partitions];
    for (int p = 0; p < partitions; p++) {
      applied.set(p, -1);
      waiting[p] = ConcurrentHashMap.newKeySet();
    }
  }

  /** Whether {@code min} was known applied within {@code wait}; false at once for a wait of zero. */
  boolean await(Position min, Duration wait) {
    int p = min.partition();
    if (applied.get(p) >= min.offset()) {
      return true;
    }
    if (wait.isZero()) {
      return false;
    }
    Waiter waiter = new Waiter(min.offset());
    waiting[p].add(waiter);
    count.incrementAndGet();
    try {
      if (applied.get(p) >= min.offset()) {
        return true;
      }
      return waiter.woken.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiting[p].remove(waiter);
      count.decrementAndGet();
    }
  }

  /** Callers waiting now. */
  int waiting() {
    return count.get();
  }

  @Override
  public void round(Round round) {
    for (PartitionPosition position : round.applied().values()) {
      int p = position.partition();
      if (p >= waiting.length) {
        continue;
      }
      long offset = position.appliedOffset();
      applied.accumulateAndGet(p, offset, Math::max);
      for (Waiter waiter : waiting[p]) {
        if (waiter.offset <= offset) {
          waiter.woken.countDown();
        }
      }
    }
  }

  @Override
  public void down() {
    // Waiters keep waiting: the positions known stay true (they only grow), and the reconnect's round wakes them.
  }

  private static final class Waiter {
    final long offset;
    final CountDownLatch woken = new CountDownLatch(1);

    Waiter(long offset) {
      this.offset = offset;
    }
  }
}
