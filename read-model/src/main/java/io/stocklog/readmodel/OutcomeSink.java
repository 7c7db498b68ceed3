package io.stocklog.readmodel;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the outcomes topic to the Postgres read model, on a thread of its own.
 *
 * <p>Each polled batch (SKU outcomes, and the orders' outcomes, which carry the {@link OrderOutcome#HEADER}
 * header) goes to Postgres in one transaction ({@link ReadModelWriter}), which also advances
 * {@code applied_position}; only then are the Kafka offsets committed. A crash between the two redelivers
 * the batch, and the position-guarded upserts make the second application a no-op: at-least-once
 * delivery, exactly-once effect. Consumers read committed only, so aborted projector transactions never
 * reach the read model.
 *
 * <p>When Postgres is down (an outage, as {@link DatabaseOutages} tells) the batch is kept, nothing is committed,
 * and the same batch is retried with a backoff from 100 ms doubling to {@link SinkConfig#maxBackoff()}. Any
 * other failure to apply a batch (a constraint violated, a table missing, a bug) would fail the same way on
 * every retry: the sink stops there, commits nothing, logs one ERROR naming the batch's positions and says why
 * in {@link #failure()}. Meanwhile the assigned partitions are
 * paused and the consumer keeps polling, so it stays in its group without fetching more; the projector is
 * unaffected, since it only writes the topic. One warning per outage, one line when it ends.
 *
 * <p>While caught up, it refreshes {@code checked_at} of every assigned partition with nothing pending
 * every {@link SinkConfig#idleCheck()}, so readers can tell a quiet partition from a stalled sink.
 *
 * <p>Records that are not valid outcomes (no position, bad JSON) are logged and skipped: they cannot be
 * placed, and stopping on them would stall every SKU in the partition.
 *
 * <p>Given a {@link MeterRegistry}, each applied batch is recorded as {@code stocklog_sink_batch_size} (outcomes
 * in it) and {@code stocklog_sink_batch_seconds} (its Postgres transaction); attempts the database refused are
 * not, they are outages.
 */
public final class OutcomeSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutcomeSink.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final long FIRST_BACKOFF_MS = 100;

  private final SinkConfig config;
  private final ReadModelWriter writer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<Outcome> outcomes = JsonSerde.of(Outcome.class).deserializer();
  private final Deserializer<OrderOutcome> orderOutcomes = JsonSerde.of(OrderOutcome.class).deserializer();
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running = true;

  private final AtomicLong batchesApplied = new AtomicLong();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong outcomesApplied = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();
  private final AtomicLong outages = new AtomicLong();
  private volatile int lastBatchSize;
  private volatile long lag = -1;
  private volatile boolean databaseDown;
  private volatile String failure;
  private final DistributionSummary batchSize;
  private final Timer batchTime;

  /** Owned by the sink thread: the batch not yet applied, kept across retries. */
  private Batch pending;

  private OutcomeSink(SinkConfig config, DataSource dataSource, MeterRegistry metrics) {
    this.config = Objects.requireNonNull(config, "config");
    this.writer = new ReadModelWriter(dataSource);
    this.batchSize = DistributionSummary.builder("stocklog.sink.batch.size")
        .description("outcomes per batch applied to the read model")
        .register(metrics);
    this.batchTime = Timer.builder("stocklog.sink.batch")
        .description("time to apply one batch to the read model (one Postgres transaction)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(metrics);
    this.consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "outcome-sink-" + config.groupId());
  }

  /**
   * Migrates the read model's schema on {@code dataSource} (public), then starts consuming.
   *
   * @throws org.flywaydb.core.api.FlywayException if the schema cannot be migrated (database down at start)
   */
  public static OutcomeSink start(SinkConfig config, DataSource dataSource) {
    // A composite with no registries in it records nothing.
    return start(config, dataSource, new CompositeMeterRegistry());
  }

  /** As {@link #start(SinkConfig, DataSource)}, recording each applied batch's size and latency in {@code metrics}. */
  public static OutcomeSink start(SinkConfig config, DataSource dataSource, MeterRegistry metrics) {
    return start(config, dataSource, ReadModelSchema.DEFAULT_SCHEMA, metrics);
  }

  /**
   * As {@link #start(SinkConfig, DataSource, MeterRegistry)} for the read model in {@code schema}; the
   * connections of {@code dataSource} must have it as their current schema (the writer's names are
   * unqualified).
   */
  public static OutcomeSink start(SinkConfig config, DataSource dataSource, String schema, MeterRegistry metrics) {
    ReadModelSchema.migrate(dataSource, schema);
    OutcomeSink sink = new OutcomeSink(config, dataSource, metrics);
    sink.thread.start();
    log.info("Outcome sink started: {} -> read model in schema {}, group {}", config.outcomesTopic(), schema,
        config.groupId());
    return sink;
  }

  static Properties consumerProperties(SinkConfig config) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-sink");
    // Outcomes are written transactionally (exactly_once_v2): never apply an aborted one.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Offsets are committed only after the batch is in Postgres.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A new group builds the read model from the first outcome.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    // Read-your-writes waits on this fetch: see TopicSettings.OUTCOMES_FETCH_MAX_WAIT_MS.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, TopicSettings.OUTCOMES_FETCH_MAX_WAIT_MS);
    // A sink that dies without leaving holds its partitions until this runs out (see SinkConfig).
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.heartbeatInterval().toMillis());
    return p;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(config.outcomesTopic()), new Rebalance());
      long backoffMs = FIRST_BACKOFF_MS;
      long nextIdleCheck = 0;
      while (running) {
        if (pending == null) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
          if (!records.isEmpty()) {
            pending = decode(records);
          }
        }
        if (pending != null) {
          if (!applyPending()) {
            // Paused: this poll fetches nothing, it only keeps the consumer in its group while we wait.
            consumer.poll(Duration.ofMillis(backoffMs));
            backoffMs = Math.min(backoffMs * 2, config.maxBackoff().toMillis());
            continue;
          }
          backoffMs = FIRST_BACKOFF_MS;
        }
        updateLag();
        rounds.incrementAndGet();
        long now = System.nanoTime();
        if (now - nextIdleCheck >= 0) {
          touchCaughtUpPartitions();
          nextIdleCheck = now + config.idleCheck().toNanos();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("Outcome sink woken up unexpectedly; stopping", e);
      }
    } catch (SinkStoppedException e) {
      failure = e.getMessage();
      log.error("Outcome sink stopped: {}; the read model stays where it is until the cause is fixed and the sink "
          + "restarted", e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      failure = "the sink failed: " + e;
      log.error("Outcome sink failed and stopped; the read model will fall behind", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("Outcome sink: closing the consumer failed", e);
      }
    }
  }

  /** Applies and commits the pending batch; false if the database refused it and it must be retried. */
  private boolean applyPending() {
    long start = System.nanoTime();
    try {
      writer.apply(pending.outcomes, pending.orders);
      batchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      batchSize.record(pending.size());
    } catch (Exception e) {
      if (!DatabaseOutages.isOutage(e)) {
        // Not the database being away: the same batch would fail the same way on every retry.
        throw new SinkStoppedException("applying the outcomes at " + pending.span() + " to the read model failed "
            + "with an error that is not an outage, so the sink stopped there: " + e, e);
      }
      if (!databaseDown) {
        databaseDown = true;
        outages.incrementAndGet();
        consumer.pause(consumer.assignment());
        log.warn("Read model database unavailable; holding a batch of {} outcomes, paused consumption, "
            + "retrying with backoff up to {}: {}", pending.size(), config.maxBackoff(), e.toString());
      }
      return false;
    }
    if (databaseDown) {
      databaseDown = false;
      consumer.resume(consumer.paused());
      log.info("Read model database back; applied the held batch of {} outcomes and resumed", pending.size());
    }
    lastBatchSize = pending.size();
    batchesApplied.incrementAndGet();
    outcomesApplied.addAndGet(pending.size());
    try {
      consumer.commitSync(pending.offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // Applied but not committed: the next owner redelivers, and the upserts ignore it.
      log.info("Outcome sink: offsets not committed after a rebalance ({}); the batch may be redelivered",
          e.toString());
    }
    pending = null;
    return true;
  }

  private Batch decode(ConsumerRecords<byte[], byte[]> records) {
    List<Outcome> decoded = new ArrayList<>(records.count());
    List<TopicPartition> sources = new ArrayList<>(records.count());
    List<OrderOutcome> orders = new ArrayList<>();
    List<TopicPartition> orderSources = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
      try {
        if (record.headers().lastHeader(OrderOutcome.HEADER) != null) {
          // An order's outcome, in the order's events partition: its row in the orders table.
          OrderOutcome order = orderOutcomes.deserialize(record.topic(), record.value());
          if (order == null || order.position() == null) {
            throw new IllegalArgumentException("order outcome without a position");
          }
          Position.parse(order.position());
          orders.add(order);
          orderSources.add(tp);
          continue;
        }
        Outcome outcome = outcomes.deserialize(record.topic(), record.value());
        if (outcome == null || outcome.position() == null) {
          throw new IllegalArgumentException("outcome without a position");
        }
        Position.parse(outcome.position());
        decoded.add(outcome);
        sources.add(tp);
      } catch (RuntimeException e) {
        recordsSkipped.incrementAndGet();
        log.error("Outcome sink: skipping record {}/{}/{} that is not a valid outcome: {}", record.topic(),
            record.partition(), record.offset(), e.getMessage());
      }
    }
    return new Batch(decoded, sources, orders, orderSources, offsets);
  }

  private void updateLag() {
    if (consumer.assignment().isEmpty()) {
      lag = -1;
      return;
    }
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      var partitionLag = consumer.currentLag(tp);
      if (partitionLag.isEmpty()) {
        lag = -1;
        return;
      }
      total += partitionLag.getAsLong();
    }
    lag = total;
  }

  private void touchCaughtUpPartitions() {
    Set<Integer> caughtUp = new TreeSet<>();
    for (TopicPartition tp : consumer.assignment()) {
      var partitionLag = consumer.currentLag(tp);
      if (partitionLag.isPresent() && partitionLag.getAsLong() == 0) {
        // Outcomes partition n holds the outcomes of events partition n.
        caughtUp.add(tp.partition());
      }
    }
    try {
      writer.touch(caughtUp);
    } catch (Exception e) {
      log.debug("Outcome sink: could not refresh checked_at: {}", e.toString());
    }
  }

  /**
   * Rounds of the sink's loop completed (poll, apply, measure the lag). Once two more rounds have completed
   * than when a caller looked, with {@link #lag()} 0, everything committed to the topic before the caller
   * looked is in the read model.
   */
  public long rounds() {
    return rounds.get();
  }

  /** Outcomes applied in batches since start. */
  public long batchesApplied() {
    return batchesApplied.get();
  }

  public long outcomesApplied() {
    return outcomesApplied.get();
  }

  /** Outcomes in the last batch applied. */
  public int lastBatchSize() {
    return lastBatchSize;
  }

  /** Records skipped because they were not valid outcomes. */
  public long recordsSkipped() {
    return recordsSkipped.get();
  }

  /** Outcomes in the topic not yet applied, by the consumer's last fetch; -1 while unknown. */
  public long lag() {
    return lag;
  }

  /** Whether the sink is holding a batch because the database refused it. */
  public boolean databaseDown() {
    return databaseDown;
  }

  /** Database outages seen since start. */
  public long outages() {
    return outages.get();
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** Why the sink stopped by itself (a failure that is not an outage); empty while it runs or after close. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Stops consuming, leaving any unapplied batch uncommitted (it is redelivered), and closes the consumer. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("Outcome sink stopping");
    running = false;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Outcome sink stopped");
  }

  /** A batch failed with an error that is not an outage: the sink stops rather than retry it forever. */
  private static final class SinkStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkStoppedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Partitions taken away mid-outage: their held outcomes now belong to the next owner. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (pending != null) {
        pending = pending.without(partitions);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (databaseDown) {
        consumer.pause(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }

  /**
   * Decoded outcomes of one poll (SKU outcomes and orders' outcomes apart, each in log order), where each came from,
   * and the offsets to commit once applied.
   */
  private record Batch(List<Outcome> outcomes, List<TopicPartition> sources, List<OrderOutcome> orders,
                       List<TopicPartition> orderSources, Map<TopicPartition, OffsetAndMetadata> offsets) {

    int size() {
      return outcomes.size() + orders.size();
    }

    /** The events positions the batch's SKU outcomes cover, first to last, for a message. */
    String span() {
      String orderSpan = orders.isEmpty() ? ""
          : ", orders " + orders.get(0).position() + ".." + orders.get(orders.size() - 1).position();
      return (outcomes.isEmpty() ? "(none)"
          : outcomes.get(0).position() + ".." + outcomes.get(outcomes.size() - 1).position()) + orderSpan;
    }

    /** This batch without the outcomes from {@code revoked}; null if nothing is left. */
    Batch without(Collection<TopicPartition> revoked) {
      Map<TopicPartition, OffsetAndMetadata> keptOffsets = new HashMap<>(offsets);
      keptOffsets.keySet().removeAll(revoked);
      return keptOffsets.isEmpty() ? null : new Batch(kept(outcomes, sources, revoked),
          kept(sources, sources, revoked), kept(orders, orderSources, revoked),
          kept(orderSources, orderSources, revoked), keptOffsets);
    }

    private static <T> List<T> kept(List<T> items, List<TopicPartition> from, Collection<TopicPartition> revoked) {
      List<T> kept = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (!revoked.contains(from.get(i))) {
          kept.add(items.get(i));
        }
      }
      return kept;
    }
  }
}
