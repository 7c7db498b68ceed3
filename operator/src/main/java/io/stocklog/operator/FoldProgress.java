package io.stocklog.operator;

import io.stocklog.projector.ProjectorOptions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** How far a rebuild's projector has folded each events partition: the next offset it will fold. */
final class FoldProgress implements ProjectorOptions.Progress {

  private final AtomicLongArray next;

  FoldProgress(int partitions) {
    this.next = new AtomicLongArray(partitions);
  }

  @Override
  public void folded(int partition, long offset) {
    next.accumulateAndGet(partition, offset + 1, Math::max);
  }

  /** Starts partitions from where a resumed application already was, so the bar does not count them. */
  void startAt(Map<Integer, Long> committed) {
    committed.forEach((p, o) -> next.accumulateAndGet(p, o, Math::max));
  }

  Map<Integer, Long> next() {
    Map<Integer, Long> m = new TreeMap<>();
    for (int p = 0; p < next.length(); p++) {
      m.put(p, next.get(p));
    }
    return m;
  }
}
