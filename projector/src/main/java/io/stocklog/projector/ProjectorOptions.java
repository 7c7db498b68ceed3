package io.stocklog.projector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.inventory.Inventory;
import java.time.Duration;

/**
 * What the topology needs beyond the topic names.
 *
 * @param retention how long finished reservations and unmatched events are remembered (log time)
 * @param maxEventBytes a record larger than this is dead-lettered without being parsed: a valid event is
 *     well under a kilobyte, and parsing megabytes of garbage would only stall the partition
 * @param maxDeadLetterValueBytes at most this many of the original value's bytes are copied into a dead
 *     letter, so that the dead letter (base64 is 4/3 of the bytes) stays under the broker's default 1 MB
 *     limit; a longer value is cut and its dead letter's error says so
 * @param stores where the state stores keep their data; {@link StoreKind#PERSISTENT} in production
 * @param metrics where decisions and dead letters are counted (see {@link DecisionMetrics}); by default a
 *     registry that records nothing
 */
public record ProjectorOptions(
    Duration retention, int maxEventBytes, int maxDeadLetterValueBytes, StoreKind stores, MeterRegistry metrics) {

  /** Both kinds are logged to changelog topics; they differ in where the live copy is. */
  public enum StoreKind {
    /** RocksDB under the state directory: a restarted instance reads only the changelogs' tails. */
    PERSISTENT,
    /**
     * Heap only, restored from the changelogs in full on every start. For tests that fold thousands of
     * events through {@code TopologyTestDriver}, which commits, and so flushes RocksDB, after every record.
     */
    IN_MEMORY
  }

  public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES = 512 * 1024;

  public ProjectorOptions {
    java.util.Objects.requireNonNull(stores, "stores");
    java.util.Objects.requireNonNull(metrics, "metrics");
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive (was " + retention + ")");
    }
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive (was " + maxEventBytes + ")");
    }
    if (maxDeadLetterValueBytes < 1) {
      throw new IllegalArgumentException("maxDeadLetterValueBytes must be positive (was " + maxDeadLetterValueBytes + ")");
    }
  }

  public static ProjectorOptions defaults() {
    return withRetention(Inventory.DEFAULT_RETENTION);
  }

  public static ProjectorOptions withRetention(Duration retention) {
    // A composite with no registries in it records nothing.
    return new ProjectorOptions(retention, DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES,
        StoreKind.PERSISTENT, new CompositeMeterRegistry());
  }

  public ProjectorOptions withStores(StoreKind kind) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, kind, metrics);
  }

  public ProjectorOptions withMetrics(MeterRegistry registry) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, stores, registry);
  }
}
