package io.stocklog.projector;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.OrderEvent;
import io.stocklog.inventory.FoldFailedException;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.Timer;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.HomePartition;
import io.stocklog.verify.PartitionFold;
import io.stocklog.verify.ReplayListener;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.NavigableSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each record of one events partition with the project's one fold, {@link PartitionFold} (decode, check,
 * decide the SKUs' events with {@link Inventory} and the orders this partition coordinates, stamp each outcome with
 * the record's position), and forwards what it decided: SKU outcomes and order outcomes to the outcomes topic, and
 * the records it appends (an order's line commands, keyed by SKU; a line's report, keyed by order ID) to the events
 * topic, all in the task's transaction. A record that is not a usable event (not JSON, against its schema, an
 * unknown type, too large, a SKU event whose key is not its SKU, which would put it in another SKU's partition and
 * serial order, see {@link RecordDecoder}) is forwarded as a {@link DeadLetter} instead, and processing goes on. A
 * SKU event or an order's record outside the {@link HomePartition} of its key (a producer with another partitioner
 * put it there) is not decided here: its bytes, key and headers are appended as they are to its home partition of
 * the events topic, in the same transaction, with the header {@link HomePartition#FORWARDED_FROM_HEADER} naming this
 * record's position; the copy is decided there.
 *
 * <p>Each outcome is logged at DEBUG with its event's ID and position, and counted; each dead letter is
 * logged at WARN with its reason and position, and counted; each forward is logged at DEBUG and counted
 * ({@link DecisionMetrics}).
 *
 * <p>One instance per task, so one fold per partition over that task's stores (made anew in each init, after the
 * stores are restored). An exception
 * from the fold itself is a bug, not bad input: it is logged once at ERROR with the record's position, counted,
 * and rethrown as a {@link FoldFailedException}, so the transaction aborts and the projector stops there
 * rather than diverge from a replay or retry the same record forever (see {@link Projector}).
 */
final class DecideProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger log = LoggerFactory.getLogger(DecideProcessor.class);

  private final ProjectorOptions options;
  private final DecisionMetrics metrics;
  private final int partitions;
  private ProcessorContext<Object, Object> context;
  private KeyValueInventoryStore store;
  private KeyValueOrderStore orders;
  private PartitionFold<KeyValueInventoryStore> fold;
  private int partition;
  /** The offset after the last record processed; -1 until one is. */
  private long nextOffset = -1;
  /** The time of the last tick appended and not yet come back through the log; MIN_VALUE for none. */
  private long tickInFlight = Long.MIN_VALUE;
  private long tickSentAt;
  /** A deadline index saved by the task that ran on this state before, until the first record says if it fits. */
  private DeadlineIndexSnapshot.Saved savedIndex;
  private long initAt;
  /** How long ticks wait for a first record to check a saved index by, before the index is built from the stores. */
  static final long SAVED_INDEX_WAIT_MS = 5_000;

  DecideProcessor(ProjectorOptions options, DecisionMetrics metrics, int partitions) {
    this.options = options;
    this.metrics = metrics;
    this.partitions = partitions;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.store = KeyValueInventoryStore.of(context, options.retention());
    this.orders = KeyValueOrderStore.of(context, options.retention());
    this.partition = context.taskId().partition();
    this.fold = new PartitionFold<>(partition, partitions, store, orders, options.retention(), options.maxEventBytes());
    this.savedIndex = DeadlineIndexSnapshot.take(context.stateDir().toPath()).orElse(null);
    this.initAt = System.currentTimeMillis();
    if (options.ticks() != null) {
      context.schedule(options.ticks().every(), PunctuationType.WALL_CLOCK_TIME, this::tickIfDue);
    }
  }

  /**
   * Time for a quiet partition. Expiry is decided by log time, so a hold on a partition that gets no events
   * would never expire; a {@code ClockTick} in the log moves the partition's clock, and a replay sees the same
   * tick. This appends one only when it is needed: a hold is due by the wall clock and nothing in the log has
   * moved the partition's clock to it, so an idle system appends nothing, a busy partition (whose own events
   * move its clock) nothing, and a quiet one a tick per deadline: a hold's, or a held order's (whose expiry its
   * coordinator decides by the partition's clock like a hold's). Only the task that decides the partition sends
   * one, outside its transaction, as any producer appends an event: a tick carries nothing but time, so one
   * written by a task whose transaction then aborts is as good as any, and a tick adds no transaction markers to
   * the events topic (an order's appends do: they are the transaction's own records). One tick at a time: the next is sent once the last has come back through the log, or
   * after five seconds (a send that failed).
   */
  private void tickIfDue(long wallClock) {
    if (savedIndex != null) {
      if (wallClock - initAt < SAVED_INDEX_WAIT_MS) {
        return; // a tick can wait a moment for the first record, which tells whether the saved index fits
      }
      savedIndex = null;
    }
    Long due = earliestDeadline();
    if (due == null || due > wallClock || store.clock() >= due || !decidesPartition()) {
      return;
    }
    if (store.clock() < tickInFlight && wallClock - tickSentAt < 5_000) {
      return;
    }
    ClockTick tick = Events.tick(Instant.ofEpochMilli(wallClock));
    tickInFlight = wallClock;
    tickSentAt = wallClock;
    metrics.ticked();
    options.ticks().sender().send(partition, tick);
  }

  /** The earliest deadline of a hold or a held order of this partition; null when there is none. */
  private Long earliestDeadline() {
    Timer hold = store.earliestExpiry();
    Long order = orders.earliestExpiry();
    if (hold == null) {
      return order;
    }
    return order == null ? hold.at() : Math.min(hold.at(), order);
  }

  /**
   * Whether this task's outputs are published yet (during a handoff, not until it passed the decider's end). A task
   * that has folded nothing since it started cannot tell: it may be the new decider resumed exactly at the old one's
   * end on a quiet partition (a rebuilt projection after its handoff, or after a restart), which no record will
   * ever move past its start, so it counts as deciding. The most that costs is one tick from a task still catching
   * up, sent before its first record: a tick carries nothing but time, and the decider would send it when due.
   */
  private boolean decidesPartition() {
    Long from = options.publishFrom().get(partition);
    return from == null || nextOffset < 0 || nextOffset >= from;
  }

  /**
   * A follower (a rebuilt projection catching up, which appends nothing) saves its deadline index for the decider
   * that will be started on its state ({@link DeadlineIndexSnapshot}). A decider does not: its close is in a
   * handoff's pause, and a decider's restart can afford the scan.
   */
  @Override
  public void close() {
    NavigableSet<Timer> index = store == null ? null : store.indexIfBuilt();
    if (!options.appends() && index != null && nextOffset >= 0) {
      DeadlineIndexSnapshot.write(context.stateDir().toPath(), nextOffset, index);
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata()
        .orElseThrow(() -> new IllegalStateException("a record from the events topic has no metadata"));
    boolean publish = options.publishes(source.partition(), source.offset());
    if (savedIndex != null) {
      if (source.offset() == savedIndex.nextOffset() && store.indexIfBuilt() == null) {
        store.adoptIndex(savedIndex.timers());
        log.info("partition {}: deadline index of {} timers taken from the state directory (saved at offset {})",
            partition, savedIndex.timers().size(), savedIndex.nextOffset());
      }
      savedIndex = null;
    }
    nextOffset = source.offset() + 1;
    try {
      fold.apply(source.offset(), record.key(), record.value(), new Forward(record, source, publish));
    } catch (FoldFailedException e) {
      // A bug, not bad input: the same record fails the same way every time. Say where, once, and stop
      // (the Projector's handler ends processing instead of replacing the thread to fail again forever).
      metrics.foldFailed();
      log.error("fold failed at position={} event_id={}; this projector stops deciding (the same record fails every "
          + "time): fix the bug, then restart it", e.position().token(), e.eventId(), e.getCause());
      throw e;
    }
    options.progress().folded(source.partition(), source.offset());
  }

  /**
   * Forwards what the fold decided for one record. When this task does not publish the record's outputs (the
   * projector that decided before it in a handoff did), it forwards nothing: the record is folded into the state
   * only, its appends and forwards included, which that projector appended. A rebuild publishes its outcomes (to
   * its own topic) but appends nothing ({@link ProjectorOptions#appends}): the live projector appends.
   */
  private final class Forward implements ReplayListener {
    private final Record<byte[], byte[]> record;
    private final RecordMetadata source;
    private final boolean publish;

    Forward(Record<byte[], byte[]> record, RecordMetadata source, boolean publish) {
      this.record = record;
      this.source = source;
      this.publish = publish;
    }

    @Override
    public void deadLetter(Position at, String error, String eventId) {
      if (publish && options.deadLetters()) {
        DecideProcessor.this.deadLetter(record, source, error);
      }
    }

    @Override
    public void outcome(Position at, Outcome outcome) {
      if (!publish) {
        return;
      }
      metrics.decided(outcome);
      if (log.isDebugEnabled()) {
        log.debug("decided event_id={} position={} type={} sku={} subject={} decision={} reason={}",
            outcome.eventId(), at.token(), outcome.eventType(), outcome.sku(), outcome.subjectId(),
            outcome.decision(), outcome.reason());
      }
      context.forward(new Record<Object, Object>(outcome.sku(), outcome, record.timestamp()),
          ProjectorTopology.OUTCOMES_SINK);
    }

    @Override
    public void order(Position at, OrderOutcome outcome) {
      if (!publish) {
        return;
      }
      if (log.isDebugEnabled()) {
        log.debug("decided order event_id={} position={} type={} order={} decision={} reason={} status={}",
            outcome.eventId(), at.token(), outcome.eventType(), outcome.orderId(), outcome.decision(),
            outcome.reason(), outcome.status());
      }
      RecordHeaders headers = new RecordHeaders();
      headers.add(OrderOutcome.HEADER, new byte[] {1});
      context.forward(new Record<Object, Object>(outcome.orderId(), outcome, record.timestamp(), headers),
          ProjectorTopology.ORDER_OUTCOMES_SINK);
    }

    /**
     * The record itself, byte for byte, to its home partition: the bytes the producer wrote are what the home
     * partition decides (a re-encoding could differ, in size for one), and its headers (a trace, say) go along.
     */
    @Override
    public void forward(Position at, Event event, int home) {
      if (!publish || !options.appends()) {
        return;
      }
      metrics.forwarded();
      if (log.isDebugEnabled()) {
        log.debug("forwarded event_id={} position={} type={} home_partition={}", event.eventId(), at.token(),
            event.type(), home);
      }
      RecordHeaders headers = new RecordHeaders(record.headers().toArray());
      headers.add(HomePartition.FORWARDED_FROM_HEADER, at.token().getBytes(StandardCharsets.UTF_8));
      context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
          ProjectorTopology.FORWARDS_SINK);
    }

    @Override
    public void append(Position at, Event appended) {
      if (!publish || !options.appends()) {
        return;
      }
      String key = switch (appended) {
        case SkuEvent e -> e.sku();
        case OrderEvent e -> e.orderId();
        case ClockTick t -> throw new IllegalStateException("the fold never appends a tick");
      };
      context.forward(new Record<Object, Object>(key, appended, record.timestamp()), ProjectorTopology.APPENDS_SINK);
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String error) {
    DeadLetter letter = DeadLetter.of(error, source.topic(), source.partition(), source.offset(),
        record.timestamp(), record.key(), record.value(), options.maxDeadLetterValueBytes());
    metrics.deadLettered();
    log.warn("dead letter position={} source={} reason={}", new Position(source.partition(), source.offset()).token(),
        letter.source(), error);
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeadLetter.ERROR_HEADER, letter.error().getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetter.SOURCE_HEADER, letter.source().getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp(), headers),
        ProjectorTopology.DEAD_LETTER_SINK);
  }
}
