package io.stocklog.verify;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.inventory.FoldFailedException;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.InventoryStore;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.orders.InMemoryOrderStore;
import io.stocklog.inventory.orders.OrderPartition;
import io.stocklog.inventory.orders.OrderStore;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The one fold of an events partition, record by record: the projector's {@code DecideProcessor} decides with it
 * inside Kafka Streams, and every offline fold (verification, a rebuild's state seed) is this one outside it.
 * {@link RecordDecoder} picks what is decided and what is dead-lettered; a record outside the {@link HomePartition}
 * of its key is forwarded, not decided (below); {@link OrderPartition} decides (the SKUs' stock, reservations and
 * order lines by {@link Inventory}, then the orders this partition coordinates), over whatever stores the caller
 * gives (in memory for verification; the projector's own store layout, over RocksDB or over maps for a state
 * seed), and each outcome is stamped with its record's position. Deterministic: log time comes from the records.
 *
 * <p>What a record makes the fold append (an order's line commands, a line's report) goes to
 * {@link ReplayListener#append}: the projector appends it in its transaction; an offline fold drops it, because the
 * log it reads already holds it, right after the record that caused it, and folds it when it gets there. A replay
 * thus neither appends again nor applies a record twice.
 *
 * <p>A SKU event or an order's record outside the home partition of its key (murmur2, the default partitioner's
 * choice; a producer with another partitioner put it there) is not folded here: no state, no clock, no outcome. It
 * goes to {@link ReplayListener#forward}, which by default is {@link ReplayListener#append}: the projector appends
 * it to its home partition, where it is decided in that partition's order like any record, and an offline fold drops
 * it, since the log holds that copy. So a SKU keeps one serial writer and an order its coordinator whatever
 * partitioner a producer used, and a replay decides exactly what the projector decided. A {@code ClockTick} has no
 * home and is folded where it is. The cost on the way: one murmur2 of the key's bytes per record, in {@link #decode}.
 *
 * <p>Decoding needs no state, so it can run ahead on other threads ({@link #decode}); deciding must follow the
 * log. Not thread-safe; records must come in offset order (gaps are fine: transaction markers, aborted records).
 *
 * @param <S> the kind of store the state is folded into
 */
public final class PartitionFold<S extends InventoryStore> {

  private final int partition;
  private final int partitions;
  private final int maxEventBytes;
  private final S store;
  private final OrderStore orders;
  private final OrderPartition fold;
  private long lastOffset = -1;
  private long events;
  private long deadLetters;
  private long forwarded;
  private long outcomes;
  private long orderOutcomes;

  /** A fold into new in-memory stores; see the main constructor for the parameters. */
  public static PartitionFold<InMemoryInventoryStore> inMemory(int partition, int partitions, Duration retention,
      int maxEventBytes) {
    return new PartitionFold<>(partition, partitions, new InMemoryInventoryStore(), new InMemoryOrderStore(),
        retention, maxEventBytes);
  }

  /**
   * @param partitions how many partitions the events topic has: a record is decided in the home partition of its key
   *     among them ({@link HomePartition}) and forwarded from any other
   * @param store where the state goes; it must be empty (this fold starts at the partition's first record), or
   *     hold the state folded up to where this fold starts (the projector's task stores)
   * @param orders where the orders this partition coordinates go, likewise
   * @param retention as the projector's ({@code STOCKLOG_RETENTION_DAYS}); it decides when a finished order ID
   *     may be used again, so a different retention can decide differently
   * @param maxEventBytes as the projector's; larger records are dead-lettered
   */
  public PartitionFold(int partition, int partitions, S store, OrderStore orders, Duration retention,
      int maxEventBytes) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition must be >= 0 and below " + partitions + " (was " + partition
          + ")");
    }
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive (was " + maxEventBytes + ")");
    }
    this.partition = partition;
    this.partitions = partitions;
    this.maxEventBytes = maxEventBytes;
    this.store = Objects.requireNonNull(store, "store");
    this.orders = Objects.requireNonNull(orders, "orders");
    this.fold = new OrderPartition(store, orders, Objects.requireNonNull(retention, "retention"));
  }

  /**
   * A record of the events topic decoded as the projector decodes it: either the event it decides, or the
   * reason it dead-letters the record. Thread-safe and stateless.
   */
  public static Decoded decode(byte[] key, byte[] value, int maxEventBytes) {
    try {
      Event event = RecordDecoder.decode(key, value, maxEventBytes);
      // The decoder has checked that a SKU event's or an order's key is its SKU or order ID; a tick's is anything.
      return new Decoded(event, null, null, event instanceof ClockTick ? 0 : HomePartition.hash(key));
    } catch (InvalidEventException e) {
      return new Decoded(null, e.getMessage(), eventIdIn(value, maxEventBytes), 0);
    }
  }

  /**
   * What {@link #decode} made of a record.
   *
   * @param event the event the projector decides; null when it dead-letters the record
   * @param error why the record is dead-lettered; null when it is decided
   * @param deadLetteredEventId the event ID in a dead-lettered record that is an event nonetheless (a SKU
   *     event under the wrong key); else null
   * @param keyHash murmur2 of the key of an event that has a home partition ({@link HomePartition#hash}); else 0
   */
  public record Decoded(Event event, String error, String deadLetteredEventId, int keyHash) {}

  /**
   * Decides the record at {@code offset} and reports it to {@code listener}; see
   * {@link #apply(long, Decoded, ReplayListener)}.
   */
  public void apply(long offset, byte[] key, byte[] value, ReplayListener listener) {
    apply(offset, decode(key, value, maxEventBytes), listener);
  }

  /**
   * Decides the record at {@code offset}, already {@link #decode decoded} with this fold's largest event size,
   * and reports it to {@code listener}.
   *
   * @throws FoldFailedException if the fold throws on it (the projector would stop there too); the state is
   *     then unusable
   */
  public void apply(long offset, Decoded record, ReplayListener listener) {
    if (offset <= lastOffset) {
      throw new IllegalArgumentException("partition " + partition + ": offset " + offset
          + " is not after the last one folded, " + lastOffset);
    }
    lastOffset = offset;
    Position at = new Position(partition, offset);
    Event event = record.event();
    if (event == null) {
      deadLetters++;
      listener.deadLetter(at, record.error(), record.deadLetteredEventId());
      return;
    }
    if (!(event instanceof ClockTick)) {
      int home = HomePartition.of(record.keyHash(), partitions);
      if (home != partition) {
        forwarded++;
        listener.forward(at, event, home);
        return;
      }
    }
    events++;
    listener.event(at, event);
    OrderPartition.Folded decided;
    try {
      decided = fold.apply(event);
    } catch (RuntimeException e) {
      throw new FoldFailedException(at, event.eventId(), e);
    }
    for (Outcome outcome : decided.outcomes()) {
      outcomes++;
      listener.outcome(at, outcome.at(at));
    }
    for (OrderOutcome order : decided.orders()) {
      orderOutcomes++;
      listener.order(at, order.at(at));
    }
    for (Event append : decided.appends()) {
      listener.append(at, append);
    }
  }

  /** The event ID of a dead-lettered record whose bytes are an event nonetheless (wrong key); else null. */
  private static String eventIdIn(byte[] value, int maxEventBytes) {
    if (value == null || value.length > maxEventBytes) {
      return null;
    }
    try {
      return EventCodec.decode(value).eventId();
    } catch (InvalidEventException e) {
      return null;
    }
  }

  public int partition() {
    return partition;
  }

  /** The largest record decided; larger ones are dead-lettered. */
  public int maxEventBytes() {
    return maxEventBytes;
  }

  /** The offset of the last record folded; -1 before the first. */
  public long lastOffset() {
    return lastOffset;
  }

  /** Records decided (ticks included). */
  public long events() {
    return events;
  }

  /** Records the projector would dead-letter. */
  public long deadLetters() {
    return deadLetters;
  }

  /** Records outside their key's home partition, forwarded there instead of decided here. */
  public long forwarded() {
    return forwarded;
  }

  /** Outcomes produced so far. */
  public long outcomes() {
    return outcomes;
  }

  /** Order outcomes produced so far. */
  public long orderOutcomes() {
    return orderOutcomes;
  }

  /** The orders this partition coordinates, now. */
  public OrderStore orders() {
    return orders;
  }

  /** The fold's state now: every SKU's counters and every remembered reservation of this partition. */
  public S state() {
    return store;
  }
}
