package io.stocklog.query;

import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.SkuRow;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The latest row this instance knows of the SKUs it was asked about, kept current by the {@link AppliedWatcher}:
 * what lets a tag check ({@code If-None-Match}) and a new stream's first event be answered without a statement.
 *
 * <p>An entry is current as of the watcher's last round, which is the invariant everything rests on: a round
 * updates every entry whose SKU changed since the previous one. An entry comes from a read (one statement that
 * also returned its partition's applied offset A), and it may only go in when no round has already gone past
 * A: a round past A might have carried a change of this SKU that the read did not see, and found no entry to
 * update. Reads put entries in and rounds update them under one lock, so that check and the put are one step
 * against the rounds; the lock is taken only when an entry is new or newer, never to answer from the map.
 *
 * <p>While the watcher is down nothing is answered from here ({@link #current} is empty): the rows may be stale.
 * Entries are kept (the first round after the watcher reconnects brings every changed one up to date). At most
 * {@value #MAX_ENTRIES} SKUs are kept; past that an arbitrary one makes room, which costs only its next read.
 */
final class SkuViews implements AppliedWatcher.Listener {

  static final int MAX_ENTRIES = 100_000;

  /** A known row, how far its partition had been applied when it was known to be current, and how long ago. */
  record Known(SkuRow row, PartitionPosition applied, long ageMs) {}

  private final SkuPartitioner partitioner;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, SkuRow> rows = new ConcurrentHashMap<>();
  /** The last round, or null while the watcher is down (or before its first round). */
  private volatile Round last;

  SkuViews(SkuPartitioner partitioner) {
    this.partitioner = partitioner;
  }

  /** The SKU's row as of the watcher's last round, if it is known and the watcher is up. */
  Optional<Known> current(String sku) {
    // The round first, then the row: a round updates rows before it is published, so the row read after it is
    // at least as new as the round says.
    Round round = last;
    if (round == null) {
      return Optional.empty();
    }
    SkuRow row = rows.get(sku);
    if (row == null) {
      return Optional.empty();
    }
    PartitionPosition applied = round.applied().get(row.position().partition());
    if (applied == null) {
      return Optional.empty();
    }
    return Optional.of(new Known(row, applied, round.ageMs(applied)));
  }

  /**
   * Offers a row read in a statement that saw its partition applied up to {@code readApplied}; it goes in only
   * if no round has gone past that (see the class comment).
   */
  void offer(SkuRow row, long readApplied) {
    SkuRow have = rows.get(row.sku());
    if (have != null && !newer(row, have)) {
      return;
    }
    lock.lock();
    try {
      Round round = last;
      if (round == null) {
        return;
      }
      PartitionPosition seen = round.applied().get(partitioner.partitionOf(row.sku()));
      if (seen != null && readApplied < seen.appliedOffset()) {
        return;
      }
      if (rows.size() >= MAX_ENTRIES && !rows.containsKey(row.sku())) {
        Iterator<String> any = rows.keySet().iterator();
        if (any.hasNext()) {
          rows.remove(any.next());
        }
      }
      rows.merge(row.sku(), row, (old, offered) -> newer(offered, old) ? offered : old);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void round(Round round) {
    lock.lock();
    try {
      for (SkuRow changed : round.changed()) {
        rows.computeIfPresent(changed.sku(), (sku, old) -> newer(changed, old) ? changed : old);
      }
      last = round;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void down() {
    last = null;
  }

  /** SKUs known, for tests and metrics. */
  int size() {
    return rows.size();
  }

  private static boolean newer(SkuRow a, SkuRow b) {
    return a.position().offset() > b.position().offset();
  }
}
