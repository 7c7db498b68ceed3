package io.stocklog.query;

import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.SkuRow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one feed of changes in a query-service instance, fed by the {@link AppliedWatcher}'s rounds and fanned out
 * to every open stream of the SKU that changed: a change costs Postgres one round however many streams watch it,
 * and is written to JSON once ({@link StockJson#event}), the same bytes going to every stream.
 *
 * <p>Each stream has a queue of at most {@value #QUEUE} events. A stream whose reader does not keep up fills it
 * and is dropped (its queue emptied, its stream ended so the client reconnects with {@code Last-Event-ID}), so a
 * slow reader costs a bounded amount of memory and never holds up the feed or the other streams.
 */
final class StockFeed implements AppliedWatcher.Listener {

  static final int QUEUE = 64;

  /** One change of a SKU: its row's position and the event's bytes. */
  record Change(SkuRow row, byte[] event) {}

  private final ConcurrentHashMap<String, Set<Subscription>> bySku = new ConcurrentHashMap<>();

  /** Starts queueing the SKU's changes for a stream; the stream must {@link #unsubscribe} when it ends. */
  Subscription subscribe(String sku) {
    Subscription s = new Subscription(sku);
    bySku.compute(sku, (k, set) -> {
      Set<Subscription> subs = set == null ? ConcurrentHashMap.newKeySet() : set;
      subs.add(s);
      return subs;
    });
    return s;
  }

  void unsubscribe(Subscription s) {
    bySku.computeIfPresent(s.sku, (k, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  /** SKUs with at least one stream. */
  int skus() {
    return bySku.size();
  }

  /** Ends every stream (the service is stopping). */
  void closeAll() {
    bySku.values().forEach(set -> set.forEach(Subscription::close));
  }

  @Override
  public void round(Round round) {
    for (SkuRow row : round.changed()) {
      Set<Subscription> subs = bySku.get(row.sku());
      if (subs == null) {
        continue;
      }
      PartitionPosition applied = round.applied().get(row.position().partition());
      Freshness freshness = new Freshness(applied == null ? null : applied.position().map(p -> p.token()).orElse(null),
          applied == null ? null : round.ageMs(applied), false);
      Change change = new Change(row, StockJson.event(row, freshness));
      for (Subscription s : subs) {
        if (!s.offer(change)) {
          unsubscribe(s);
        }
      }
    }
  }

  @Override
  public void down() {
    // Streams stay open: the round after the watcher reconnects carries every change made meanwhile.
  }

  /** One stream's queue of changes. */
  static final class Subscription {
    private final String sku;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Change> queue = new ArrayDeque<>();
    private boolean dropped;
    private boolean closed;

    private Subscription(String sku) {
      this.sku = sku;
    }

    /** False when the queue was full: the stream is dropped. */
    boolean offer(Change change) {
      lock.lock();
      try {
        if (dropped || closed) {
          return false;
        }
        if (queue.size() >= QUEUE) {
          dropped = true;
          queue.clear();
          ready.signalAll();
          return false;
        }
        queue.add(change);
        ready.signalAll();
        return true;
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        closed = true;
        ready.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * The next change, or null when {@code timeout} passed without one.
     *
     * @throws Ended when the stream was dropped for falling behind or closed by the service
     */
    Change next(Duration timeout) throws InterruptedException, Ended {
      lock.lock();
      try {
        long left = timeout.toNanos();
        while (queue.isEmpty() && !dropped && !closed && left > 0) {
          left = ready.awaitNanos(left);
        }
        if (dropped) {
          throw new Ended("fell more than " + QUEUE + " changes behind");
        }
        if (closed) {
          throw new Ended("the service is stopping");
        }
        return queue.poll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** A stream's end decided by the service. */
  static final class Ended extends Exception {
    private static final long serialVersionUID = 1L;

    Ended(String reason) {
      super(reason, null, false, false);
    }
  }
}
