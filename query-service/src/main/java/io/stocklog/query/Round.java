package io.stocklog.query;

import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.SkuRow;
import java.util.List;
import java.util.Map;

/**
 * What one round of the {@link AppliedWatcher} read in one statement: every partition's applied position, and
 * the SKU rows that moved past the positions the previous round had seen.
 *
 * @param applied by events partition; a partition the sink never touched is absent
 * @param changed the rows changed since the previous round; empty in the first round, which has no previous
 * @param takenAt {@link System#nanoTime()} when the statement returned, to age the positions from
 */
record Round(Map<Integer, PartitionPosition> applied, List<SkuRow> changed, long takenAt) {

  Round {
    applied = Map.copyOf(applied);
    changed = List.copyOf(changed);
  }

  /** How old the partition's position is now, by the database's clock at the round plus the time since. */
  long ageMs(PartitionPosition position) {
    return position.ageMs() + Math.max(0, (System.nanoTime() - takenAt) / 1_000_000);
  }
}
