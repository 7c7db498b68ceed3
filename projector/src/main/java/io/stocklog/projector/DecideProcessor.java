package io.stocklog.projector;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.InvalidEventException;
import io.stocklog.inventory.FoldFailedException;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.Timer;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each record of one events partition: decode, check, {@link Inventory#apply}, stamp each outcome
 * with the record's position, forward. A record that is not a usable event (not JSON, against its schema,
 * an unknown type, too large, or a SKU event whose key is not its SKU, which would put it in another SKU's
 * partition and serial order; see {@link RecordDecoder}) is forwarded as a {@link DeadLetter} instead, and
 * processing goes on.
 *
 * <p>Each outcome is logged at DEBUG with its event's ID and position, and counted; each dead letter is
 * logged at WARN with its reason and position, and counted ({@link DecisionMetrics}).
 *
 * <p>One instance per task, so one {@link Inventory} per partition over that task's stores. An exception
 * from the fold itself is a bug, not bad input: it is logged once at ERROR with the record's position, counted,
 * and rethrown as a {@link FoldFailedException}, so the transaction aborts and the projector stops there
 * rather than diverge from a replay or retry the same record forever (see {@link Projector}).
 */
final class DecideProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger log = LoggerFactory.getLogger(DecideProcessor.class);

  private final ProjectorOptions options;
  private final DecisionMetrics metrics;
  private ProcessorContext<Object, Object> context;
  private KeyValueInventoryStore store;
  private Inventory inventory;
  private int partition;
  /** The offset after the last record processed; -1 until one is. */
  private long nextOffset = -1;
  /** The time of the last tick appended and not yet come back through the log; MIN_VALUE for none. */
  private long tickInFlight = Long.MIN_VALUE;
  private long tickSentAt;

  DecideProcessor(ProjectorOptions options, DecisionMetrics metrics) {
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.store = KeyValueInventoryStore.of(context, options.retention());
    this.inventory = new Inventory(store, options.retention());
    this.partition = context.taskId().partition();
    if (options.ticks() != null) {
      context.schedule(options.ticks().every(), PunctuationType.WALL_CLOCK_TIME, this::tickIfDue);
    }
  }

  /**
   * Time for a quiet partition. Expiry is decided by log time, so a hold on a partition that gets no events
   * would never expire; a {@code ClockTick} in the log moves the partition's clock, and a replay sees the same
   * tick. This appends one only when it is needed: a hold is due by the wall clock and nothing in the log has
   * moved the partition's clock to it, so an idle system appends nothing, a busy partition (whose own events
   * move its clock) nothing, and a quiet one a tick per deadline. Only the task that decides the partition sends
   * one, outside its transaction, as any producer appends an event: a tick carries nothing but time, so one
   * written by a task whose transaction then aborts is as good as any, and the events topic gets no
   * transaction markers. One tick at a time: the next is sent once the last has come back through the log, or
   * after five seconds (a send that failed).
   */
  private void tickIfDue(long wallClock) {
    Timer due = store.earliestExpiry();
    if (due == null || due.at() > wallClock || store.clock() >= due.at() || !decidesPartition()) {
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

  /** Whether this task's outputs are published yet (during a handoff, not until it passed the decider's end). */
  private boolean decidesPartition() {
    Long from = options.publishFrom().get(partition);
    return from == null || (nextOffset >= 0 && nextOffset >= from);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata()
        .orElseThrow(() -> new IllegalStateException("a record from the events topic has no metadata"));
    boolean publish = options.publishes(source.partition(), source.offset());
    nextOffset = source.offset() + 1;
    Event event;
    try {
      event = decode(record);
    } catch (InvalidEventException e) {
      if (publish && options.deadLetters()) {
        deadLetter(record, source, e.getMessage());
      }
      options.progress().folded(source.partition(), source.offset());
      return;
    }
    Position position = new Position(source.partition(), source.offset());
    List<Outcome> outcomes;
    try {
      outcomes = inventory.apply(event);
    } catch (RuntimeException e) {
      // A bug, not bad input: the same record fails the same way every time. Say where, once, and stop
      // (the Projector's handler ends processing instead of replacing the thread to fail again forever).
      FoldFailedException failure = new FoldFailedException(position, event.eventId(), e);
      metrics.foldFailed();
      log.error("fold failed at position={} event_id={} type={}; this projector stops deciding (the same record "
          + "fails every time): fix the bug, then restart it", position.token(), event.eventId(), event.type(), e);
      throw failure;
    }
    options.progress().folded(source.partition(), source.offset());
    if (!publish) {
      // Folded into the state; the projector that decided before this one published its outputs.
      return;
    }
    for (Outcome outcome : outcomes) {
      metrics.decided(outcome);
      if (log.isDebugEnabled()) {
        log.debug("decided event_id={} position={} type={} sku={} subject={} decision={} reason={}",
            event.eventId(), position.token(), event.type(), outcome.sku(), outcome.subjectId(),
            outcome.decision(), outcome.reason());
      }
      context.forward(new Record<Object, Object>(outcome.sku(), outcome.at(position), record.timestamp()),
          ProjectorTopology.OUTCOMES_SINK);
    }
  }

  private Event decode(Record<byte[], byte[]> record) throws InvalidEventException {
    return RecordDecoder.decode(record.key(), record.value(), options.maxEventBytes());
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
