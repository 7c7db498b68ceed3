package io.stocklog.bench;

import io.stocklog.inventory.RecordDecoder;
import io.stocklog.verify.ExpectedReadModel;
import io.stocklog.verify.FoldPipeline;
import io.stocklog.verify.HomePartition;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.PartitionFold;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The in-memory part of a replay (decode, decide, stamp, derive the expected rows) on 200,000 encoded records
 * over four partitions, after a warm-up: records per CPU-second on one thread, and wall-clock records a second on
 * one thread and with decoding run ahead on more. A measurement, printed; it asserts nothing.
 *
 * <pre>mvn -B -q -pl bench exec:java -Dexec.mainClass=io.stocklog.bench.FoldBench</pre>
 */
public final class FoldBench {

  private static final int RECORDS = 200_000;
  private static final int PARTITIONS = 4;

  private FoldBench() {}

  public static void main(String[] args) {
    List<FoldPipeline.Raw> records = raw(SyntheticLog.records(RECORDS, 5_000, 7));
    for (int i = 0; i < 3; i++) {
      fold(records, 0); // warm-up: JIT, Jackson's caches
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    ExpectedReadModel expected = fold(records, 0);
    double perCpuSecond = RECORDS / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9);
    double oneThread = RECORDS / ((System.nanoTime() - wall) / 1e9);

    wall = System.nanoTime();
    fold(records, LogReplay.defaultDecodeThreads());
    double pipelined = RECORDS / ((System.nanoTime() - wall) / 1e9);

    System.out.printf(Locale.ROOT, "in-memory replay of %,d records (%,d outcomes, %,d SKUs): %,.0f/CPU-second on "
        + "one thread; wall clock %,.0f/s on one thread, %,.0f/s decoding on %d more%n", RECORDS,
        expected.outcomes(), expected.stock().size(), perCpuSecond, oneThread, pipelined,
        LogReplay.defaultDecodeThreads());
  }

  /**
   * Spreads the records over the partitions by SKU, in order, as the default partitioner would (murmur2), so every
   * record is at home and decided, none forwarded.
   */
  private static List<FoldPipeline.Raw> raw(List<SyntheticLog.Encoded> encoded) {
    long[] next = new long[PARTITIONS];
    List<FoldPipeline.Raw> out = new ArrayList<>(encoded.size());
    int tick = 0;
    for (SyntheticLog.Encoded r : encoded) {
      int p = r.key() == null ? tick++ % PARTITIONS : HomePartition.of(HomePartition.hash(r.key()), PARTITIONS);
      out.add(new FoldPipeline.Raw(p, next[p]++, r.key(), r.value()));
    }
    return out;
  }

  private static ExpectedReadModel fold(List<FoldPipeline.Raw> records, int decodeThreads) {
    Map<Integer, PartitionFold<?>> folds = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      folds.put(p, PartitionFold.inMemory(p, PARTITIONS, LogReplay.DEFAULT_RETENTION,
          RecordDecoder.DEFAULT_MAX_EVENT_BYTES));
    }
    ExpectedReadModel expected = new ExpectedReadModel();
    try (FoldPipeline pipeline = new FoldPipeline(folds, RecordDecoder.DEFAULT_MAX_EVENT_BYTES, expected.listener(),
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
