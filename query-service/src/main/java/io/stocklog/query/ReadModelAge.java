package io.stocklog.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read model's age per events partition, as the gauge {@code stocklog_read_model_age_seconds{partition}}:
 * how long ago the sink last confirmed that partition (applied a batch to it, or found it caught up), by the
 * database's clock. A caught-up sink refreshes this about twice a second, so a growing age is a stalled
 * sink or a partition it cannot keep up with.
 *
 * <p>Every partition's gauge reads one snapshot of {@code applied_position}, taken again only when it is
 * older than {@link #MAX_SNAPSHOT_AGE}: a scrape reads all gauges within milliseconds, so it costs one query
 * however many partitions there are. A partition the sink never touched, or a database that does not
 * answer, reads NaN.
 */
final class ReadModelAge {

  private static final Logger log = LoggerFactory.getLogger(ReadModelAge.class);
  static final Duration MAX_SNAPSHOT_AGE = Duration.ofSeconds(1);

  private final ReadModelQueries queries;
  // Not synchronized: a scrape runs on a virtual thread, which must not be pinned while the query runs.
  private final ReentrantLock lock = new ReentrantLock();
  private long takenAt;
  private Map<Integer, Long> ageMs;

  private ReadModelAge(ReadModelQueries queries) {
    this.queries = queries;
  }

  /** Registers one gauge per events partition, 0 to {@code partitions - 1}. */
  static void bind(ReadModelQueries queries, int partitions, MeterRegistry registry) {
    ReadModelAge age = new ReadModelAge(queries);
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      Gauge.builder("stocklog.read.model.age", age, a -> a.seconds(partition))
          .description("time since the read-model sink last confirmed this events partition")
          .baseUnit("seconds")
          .tag("partition", Integer.toString(partition))
          // The gauges are the only holders of the snapshot; by default a gauge's object is weakly held.
          .strongReference(true)
          .register(registry);
    }
  }

  double seconds(int partition) {
    Long ms = snapshot().get(partition);
    return ms == null ? Double.NaN : ms / 1000.0;
  }

  private Map<Integer, Long> snapshot() {
    lock.lock();
    try {
      long now = System.nanoTime();
      if (ageMs == null || now - takenAt > MAX_SNAPSHOT_AGE.toNanos()) {
        ageMs = read();
        takenAt = now;
      }
      return ageMs;
    } finally {
      lock.unlock();
    }
  }

  private Map<Integer, Long> read() {
    Map<Integer, Long> ages = new HashMap<>();
    try {
      for (PartitionPosition p : queries.appliedPositions()) {
        ages.put(p.partition(), p.ageMs());
      }
    } catch (ReadModelUnavailableException e) {
      log.debug("read model age unknown: {}", e.getMessage());
    }
    return ages;
  }
}
