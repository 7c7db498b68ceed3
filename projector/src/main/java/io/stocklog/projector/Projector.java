package io.stocklog.projector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.inventory.FoldFailedException;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running projector: makes sure the topics exist, runs the {@link ProjectorTopology} in Kafka Streams
 * with exactly-once processing; its decide step also appends the ticks that move quiet partitions' clocks when a
 * hold is due there ({@code ProjectorOptions#ticks}).
 * {@link #close()} stops them in reverse order and may be called more than once.
 */
public final class Projector implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Projector.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** How long the projector's producer waits to fill a batch of outcomes (and changelog records). */
  static final int OUTCOME_LINGER_MS = 5;

  /** What a decider's Streams client IDs start with after its application ID; a follower's say {@link #FOLLOWER}. */
  public static final String DECIDER = "-decider";
  /** What a follower's (a rebuilt projection catching up, publishing privately) client IDs say. */
  public static final String FOLLOWER = "-follower";

  private final KafkaStreams streams;
  private final TickProducer ticks;
  private final AtomicReference<String> failure;
  private final PublishFrom publishFrom;
  private final String applicationId;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Projector(KafkaStreams streams, TickProducer ticks, AtomicReference<String> failure,
      PublishFrom publishFrom, String applicationId) {
    this.streams = streams;
    this.ticks = ticks;
    this.failure = failure;
    this.publishFrom = publishFrom;
    this.applicationId = applicationId;
  }

  /** Checks the topics, then starts the Streams application; returns without waiting. */
  public static Projector start(ProjectorConfig config) {
    // A composite with no registries in it records nothing.
    return start(config, new CompositeMeterRegistry());
  }

  /** As {@link #start(ProjectorConfig)}, counting decisions and dead letters in {@code metrics}. */
  public static Projector start(ProjectorConfig config, MeterRegistry metrics) {
    return startDecider(config, metrics, Map.of());
  }

  /**
   * The deciding projector: publishes to the outcomes and dead-letter topics, from {@code publishFrom} on
   * in each partition (see {@link ProjectorOptions#publishFrom()}), and ticks the partitions' clocks.
   */
  public static Projector startDecider(ProjectorConfig config, MeterRegistry metrics, Map<Integer, Long> publishFrom) {
    return decider(config, metrics, PublishFrom.of(publishFrom), false);
  }

  /**
   * A decider prepared for a handoff: started with its processing paused, so it joins its group, opens its state
   * (restoring what its local state directory lacks) and is assigned its tasks while the previous decider still
   * decides; it folds nothing until {@link #promote} tells it where to publish from and resumes it. Its state must
   * be where it runs: a follower of the same projection, closed in this process, left it in the state directory.
   */
  public static Projector prepareDecider(ProjectorConfig config, MeterRegistry metrics) {
    return decider(config, metrics, PublishFrom.later(), true);
  }

  private static Projector decider(ProjectorConfig config, MeterRegistry metrics, PublishFrom publishFrom,
      boolean paused) {
    TickProducer ticks = new TickProducer(config.bootstrapServers(), config.topics().events());
    try {
      return start(config, config.topics(),
          ProjectorOptions.withRetention(config.retention()).withMetrics(metrics).withPublishFrom(publishFrom)
              .withTicks(new ProjectorOptions.Ticks(config.tickInterval(), ticks)), true, ticks, paused);
    } catch (RuntimeException e) {
      ticks.close();
      throw e;
    }
  }

  /**
   * Makes a {@link #prepareDecider prepared} decider decide: it publishes from {@code publishFrom} on (it folds
   * the events before it without publishing) and its processing resumes.
   *
   * @throws IllegalStateException if this is not a prepared decider, or was promoted already
   */
  public void promote(Map<Integer, Long> from) {
    if (publishFrom.known()) {
      throw new IllegalStateException("this projector is not a prepared decider, or was promoted already");
    }
    publishFrom.set(from);
    streams.resume();
    log.info("prepared decider {} promoted: deciding, publishing from {}", applicationId, publishFrom);
  }

  /** Whether this is a {@link #prepareDecider prepared} decider not yet promoted. */
  public boolean prepared() {
    return !publishFrom.known();
  }

  /**
   * A rebuild: folds the log under {@code config}'s (fresh) application ID, writing its outcomes to
   * {@code privateOutcomes} instead of the live topic, no dead letters, and no ticks (the log has them).
   */
  public static Projector startRebuild(ProjectorConfig config, String privateOutcomes, ProjectorOptions.Progress progress,
      MeterRegistry metrics) {
    TopicSettings topics = config.topics().withNames(config.topics().events(), privateOutcomes,
        config.topics().deadLetters());
    return start(config, topics,
        ProjectorOptions.withRetention(config.retention()).withMetrics(metrics).forRebuild(progress), false, null,
        false);
  }

  private static Projector start(ProjectorConfig config, TopicSettings topics, ProjectorOptions options,
      boolean decider, TickProducer ticks, boolean paused) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      TopicBootstrap.ensure(admin, topics);
    }
    Properties properties = streamsProperties(config);
    if (!decider) {
      properties.putAll(rebuildProperties());
    }
    // Which kind of instance a group member is, for the operator waiting for a handoff's prepared decider.
    properties.put(StreamsConfig.CLIENT_ID_CONFIG, config.applicationId() + (decider ? DECIDER : FOLLOWER));
    KafkaStreams streams = new KafkaStreams(ProjectorTopology.build(topics, options), properties);
    AtomicReference<String> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(e -> onStreamThreadFailure(e, failure));
    if (paused) {
      // Before start: the instance joins its group and opens its state, but folds nothing (KIP-834).
      streams.pause();
    }
    streams.start();
    log.info("projector {} started: {} -> {} (dead letters {}), {} thread(s), state in {}{}",
        config.applicationId(), topics.events(), topics.outcomes(),
        options.deadLetters() ? "to " + topics.deadLetters() : "not written", config.streamThreads(),
        config.stateDir(), paused ? ", prepared (paused until promoted)"
            : options.publishFrom().offsets().isEmpty() ? "" : ", publishing from " + options.publishFrom());
    return new Projector(streams, ticks, failure, options.publishFrom(), config.applicationId());
  }

  /**
   * The failure policy of a stream thread. The fold throwing on a record ({@link FoldFailedException}) is a bug
   * that fails the same way on every try: processing stops (the client shuts down; Kafka Streams cannot stop one
   * task alone) and {@link #failure()} says where, instead of a replaced thread failing on it forever. Anything
   * else (a broker or state-store error) may pass: with exactly-once the transaction is aborted and a new thread
   * resumes from the last commit.
   */
  private static StreamThreadExceptionResponse onStreamThreadFailure(Throwable e, AtomicReference<String> failure) {
    FoldFailedException fold = FoldFailedException.in(e);
    if (fold != null) {
      failure.compareAndSet(null, fold.getMessage());
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    log.error("projector stream thread failed; replacing it", e);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  static Properties streamsProperties(ProjectorConfig config) {
    TopicSettings topics = config.topics();
    Properties p = new Properties();
    // The consumer group, the prefix of the transactional IDs and of the changelog topics' names.
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // Reading an event, updating the stores' changelogs, writing its outcomes and committing the offset
    // are one transaction: a crash can neither lose an outcome nor publish one twice. It also fences a
    // zombie instance still holding a partition, like a fencing token. Consumers then read read_committed.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Each commit ends a transaction and makes its outcomes visible to read_committed readers (the read model):
    // the event-to-visible latency. Callers waiting in the command service read the outcomes before that.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    // Streams lingers 100 ms by default to fill batches; the command service answers waiting callers from the
    // outcomes as they are written, before the commit, so send them within a few milliseconds of the decision.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), OUTCOME_LINGER_MS);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    // Small memtables: a decider's clean close, in a handoff's pause, flushes them (SmallMemtables).
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SmallMemtables.class);
    // There is no global store here; this takes Kafka 5.0's default now, so that every start does not warn about it.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // RocksDB files; kept across restarts so a restart reads only the changelog's tail.
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    // Changelogs hold the only copy of the state besides the log itself: replicate them like the topics.
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replication());
    p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(topics.minInsync()));
    // A new application folds the log from its first event, never from "now".
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // An instance that dies without leaving (a crash, a kill -9) holds its partitions until its session
    // times out; this bounds how long its partitions go undecided.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) config.sessionTimeout().toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        (int) ProjectorConfig.heartbeatInterval(config.sessionTimeout()).toMillis());
    return p;
  }

  /**
   * What a rebuild changes: it folds a long backlog, not a trickle, so it trades latency for throughput.
   * Bigger fetches and polls, a bigger store cache (a SKU updated many times between two commits is written
   * to RocksDB and its changelog once), and bigger producer batches.
   */
  static Properties rebuildProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 128L * 1024 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 64 * 1024 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 * 1024 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    return p;
  }

  /** Why the projector stopped deciding for good: the fold failed on a record (a bug); empty otherwise. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** True while Streams is running or rebalancing: the projector is deciding, or about to. */
  public boolean ready() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
  }

  /** The Streams instance, for metrics. */
  KafkaStreams streams() {
    return streams;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("projector closing");
    // Streams' consumer does not leave its group on close by default (classic protocol), so the partitions of a
    // stopped instance would stay unprocessed until its session times out (45 s), even when it is restarted at
    // once. Leaving makes a restart or a scale-in hand them over in about a second. KafkaStreamsContractTest
    // fails if a closed projector stops leaving at once.
    boolean stopped = streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
    if (ticks != null) {
      ticks.close();
    }
    if (!stopped) {
      log.warn("projector streams did not stop within {}", CLOSE_TIMEOUT);
    }
    log.info("projector closed");
  }
}
