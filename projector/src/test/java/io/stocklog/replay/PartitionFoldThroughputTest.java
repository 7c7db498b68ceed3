package io.stocklog.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.projector.ProjectorOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory part of a replay (decode, decide, stamp, derive the expected rows) on 200,000 encoded records
 * over four partitions, after a warm-up. The goal is over 200,000 records a second with decoding run ahead on
 * two idle cores; what is asserted is the cost on one core, in CPU time so that a machine busy with other builds
 * does not fail it: at least 60,000 records per CPU-second, about half of what one core does, which a change
 * making each record cost more as the history grows would not keep.
 */
class PartitionFoldThroughputTest {

  private static final Logger log = LoggerFactory.getLogger(PartitionFoldThroughputTest.class);
  private static final int RECORDS = 200_000;
  private static final int PARTITIONS = 4;

  @Test
  void foldsAtLeastSixtyThousandRecordsPerCpuSecondOnOneCore() {
    List<FoldPipeline.Raw> records = raw(SyntheticLog.records(RECORDS, 5_000, 7));
    fold(records.subList(0, 50_000), 0); // warm-up: JIT, Jackson's caches
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    ExpectedReadModel expected = fold(records, 0);
    double perCpuSecond = RECORDS / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9);
    double oneThread = RECORDS / ((System.nanoTime() - wall) / 1e9);

    wall = System.nanoTime();
    fold(records, LogReplay.defaultDecodeThreads());
    double pipelined = RECORDS / ((System.nanoTime() - wall) / 1e9);

    log.info(String.format(Locale.ROOT, "in-memory replay of %,d records: %,.0f/CPU-second on one thread; wall clock"
        + " %,.0f/s on one thread, %,.0f/s decoding on %d more", RECORDS, perCpuSecond, oneThread, pipelined,
        LogReplay.defaultDecodeThreads()));
    assertThat(expected.outcomes()).isGreaterThan(RECORDS * 9L / 10);
    assertThat(expected.stock()).hasSize(5_000);
    assertThat(perCpuSecond).isGreaterThan(60_000);
  }

  /** Spreads the records over the partitions by SKU, in order, as a producer keyed by SKU would. */
  private static List<FoldPipeline.Raw> raw(List<SyntheticLog.Encoded> encoded) {
    long[] next = new long[PARTITIONS];
    List<FoldPipeline.Raw> out = new ArrayList<>(encoded.size());
    int tick = 0;
    for (SyntheticLog.Encoded r : encoded) {
      int p = r.key() == null ? tick++ % PARTITIONS : Math.floorMod(Arrays.hashCode(r.key()), PARTITIONS);
      out.add(new FoldPipeline.Raw(p, next[p]++, r.key(), r.value()));
    }
    return out;
  }

  private static ExpectedReadModel fold(List<FoldPipeline.Raw> records, int decodeThreads) {
    Map<Integer, PartitionFold> folds = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      folds.put(p, new PartitionFold(p, LogReplay.DEFAULT_RETENTION, ProjectorOptions.DEFAULT_MAX_EVENT_BYTES));
    }
    ExpectedReadModel expected = new ExpectedReadModel();
    try (FoldPipeline pipeline = new FoldPipeline(folds, ProjectorOptions.DEFAULT_MAX_EVENT_BYTES, expected.listener(),
        decodeThreads)) {
      // As polls hand them over: up to 10,000 records at a time.
      for (int from = 0; from < records.size(); from += 10_000) {
        pipeline.submit(records.subList(from, Math.min(records.size(), from + 10_000)));
      }
      pipeline.finish();
    }
    return expected;
  }
}
