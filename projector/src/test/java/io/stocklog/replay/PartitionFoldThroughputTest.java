package io.stocklog.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.projector.ProjectorOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory part of a replay (decode, decide, stamp, derive the expected rows), as {@link LogReplay} runs it
 * on what it polled, must be fast enough to replay a million events in seconds: measured on 300,000 encoded
 * records over four partitions, after a warm-up.
 */
class PartitionFoldThroughputTest {

  private static final Logger log = LoggerFactory.getLogger(PartitionFoldThroughputTest.class);
  private static final int RECORDS = 300_000;
  private static final int PARTITIONS = 4;

  @Test
  void foldsWellOverAHundredThousandEventsPerSecond() {
    List<FoldPipeline.Raw> records = raw(SyntheticLog.records(RECORDS, 5_000, 7));
    fold(records.subList(0, 100_000)); // warm-up: JIT, Jackson's caches

    long started = System.nanoTime();
    ExpectedReadModel expected = fold(records);
    double seconds = (System.nanoTime() - started) / 1e9;
    double perSecond = RECORDS / seconds;

    log.info(String.format(Locale.ROOT, "in-memory replay with %d decode threads: %,d records in %.2f s = %,.0f records/s"
        + " (%,d outcomes)", LogReplay.defaultDecodeThreads(), RECORDS, seconds, perSecond, expected.outcomes()));
    assertThat(expected.outcomes()).isGreaterThan(RECORDS * 9L / 10);
    assertThat(expected.stock()).hasSize(5_000);
    // The goal is 200,000/s on two idle cores; the floor leaves room for a machine shared with other builds.
    assertThat(perSecond).isGreaterThan(100_000);
  }

  /** Spreads the records over the partitions by SKU, in order, as a producer keyed by SKU would. */
  private static List<FoldPipeline.Raw> raw(List<SyntheticLog.Encoded> encoded) {
    long[] next = new long[PARTITIONS];
    List<FoldPipeline.Raw> out = new ArrayList<>(encoded.size());
    int tick = 0;
    for (SyntheticLog.Encoded r : encoded) {
      int p = r.key() == null ? tick++ % PARTITIONS : Math.floorMod(java.util.Arrays.hashCode(r.key()), PARTITIONS);
      out.add(new FoldPipeline.Raw(p, next[p]++, r.key(), r.value()));
    }
    return out;
  }

  private static ExpectedReadModel fold(List<FoldPipeline.Raw> records) {
    Map<Integer, PartitionFold> folds = new java.util.HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      folds.put(p, new PartitionFold(p, LogReplay.DEFAULT_RETENTION, ProjectorOptions.DEFAULT_MAX_EVENT_BYTES));
    }
    ExpectedReadModel expected = new ExpectedReadModel();
    try (FoldPipeline pipeline = new FoldPipeline(folds, expected.listener(), LogReplay.defaultDecodeThreads())) {
      // As polls hand them over: up to 10,000 records at a time.
      for (int from = 0; from < records.size(); from += 10_000) {
        pipeline.submit(records.subList(from, Math.min(records.size(), from + 10_000)));
      }
      pipeline.finish();
    }
    return expected;
  }
}
