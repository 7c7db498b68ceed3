package io.stocklog.projector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.events.ClockTick;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.RecordDecoder;
import java.time.Duration;
import java.util.Map;

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
 * @param publishFrom per events partition, the first offset whose outcomes and dead letters are forwarded
 *     (see {@link PublishFrom}): known at the start, or set once later for a decider prepared before a handoff
 * @param deadLetters whether dead letters are forwarded, and records appended to the events topic (an order's line
 *     commands and reports, a record forwarded to its home partition), at all: a rebuild folds the log again and
 *     must not dead-letter its poison, nor append what the live projector appended, a second time (see
 *     {@link #appends})
 * @param progress told of every record folded, for a rebuild's progress bar
 * @param ticks how often each task checks whether its partition needs a {@code ClockTick} (a hold is due by the
 *     wall clock and nothing in the log has moved the partition's clock to it), and where it sends one; null for
 *     never (a rebuild: the log it folds has the ticks it needs)
 */
public record ProjectorOptions(
    Duration retention, int maxEventBytes, int maxDeadLetterValueBytes, StoreKind stores, MeterRegistry metrics,
    PublishFrom publishFrom, boolean deadLetters, Progress progress, Ticks ticks) {

  /** Sends a tick to one partition of the events topic. Called on the stream thread; must not block. */
  @FunctionalInterface
  public interface TickSender {
    void send(int partition, ClockTick tick);
  }

  /** How often to check for ticks a quiet partition needs, and where to send them. */
  public record Ticks(Duration every, TickSender sender) {
    public Ticks {
      java.util.Objects.requireNonNull(sender, "sender");
      if (every == null || every.toMillis() < 1) {
        throw new IllegalArgumentException("ticks must be checked at least every millisecond (was " + every + ")");
      }
    }
  }


  /** Told of each record after it is folded: its partition and offset. Called on the stream thread. */
  @FunctionalInterface
  public interface Progress {
    void folded(int partition, long offset);

    Progress NONE = (partition, offset) -> {};
  }

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

  public static final int DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES = 512 * 1024;

  public ProjectorOptions {
    java.util.Objects.requireNonNull(stores, "stores");
    java.util.Objects.requireNonNull(metrics, "metrics");
    java.util.Objects.requireNonNull(publishFrom, "publishFrom");
    java.util.Objects.requireNonNull(progress, "progress");
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
    return new ProjectorOptions(retention, RecordDecoder.DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES,
        StoreKind.PERSISTENT, new CompositeMeterRegistry(), PublishFrom.of(Map.of()), true, Progress.NONE, null);
  }

  public ProjectorOptions withStores(StoreKind kind) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, kind, metrics, publishFrom,
        deadLetters, progress, ticks);
  }

  public ProjectorOptions withMetrics(MeterRegistry registry) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, stores, registry, publishFrom,
        deadLetters, progress, ticks);
  }

  /** Publishes outcomes and dead letters of events partition p only from offset {@code from.get(p)} on. */
  public ProjectorOptions withPublishFrom(Map<Integer, Long> from) {
    return withPublishFrom(PublishFrom.of(from));
  }

  /** As {@link #withPublishFrom(Map)}, with offsets that may be set later (a prepared decider). */
  public ProjectorOptions withPublishFrom(PublishFrom from) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, stores, metrics, from,
        deadLetters, progress, ticks);
  }

  /**
   * A rebuild: no dead letters and no appends (the live projector wrote them), progress reported to
   * {@code listener}.
   */
  public ProjectorOptions forRebuild(Progress listener) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, stores, metrics, publishFrom,
        false, listener, null);
  }

  /** Ticks quiet partitions whose holds are due (the deciding projector). */
  public ProjectorOptions withTicks(Ticks newTicks) {
    return new ProjectorOptions(retention, maxEventBytes, maxDeadLetterValueBytes, stores, metrics, publishFrom,
        deadLetters, progress, newTicks);
  }

  /**
   * Whether this projection appends to the events topic what its fold appends (line commands and reports,
   * forwards): the deciding projector does; a rebuild catching up on the live log does not, since the live projector
   * appended those records and the rebuild folds them from the log, like every offline fold. Tied to
   * {@link #deadLetters}: both are the decider's writes to the shared topics.
   */
  boolean appends() {
    return deadLetters;
  }

  /** Whether the outputs of the event at {@code offset} of {@code partition} are forwarded. */
  boolean publishes(int partition, long offset) {
    Long from = publishFrom.get(partition);
    return from == null || offset >= from;
  }
}
