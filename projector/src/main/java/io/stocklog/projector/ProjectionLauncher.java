package io.stocklog.projector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.projector.ProjectionReconciler.PreparedDecider;
import io.stocklog.projector.RunningProjections.Decider;
import io.stocklog.projector.RunningProjections.Sink;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what the {@link ProjectionReconciler} asks for, for real: a projection's deciding {@link Projector}
 * (Kafka Streams, its metrics bound to the registry), a rebuilt projection's follower and prepared decider, and its
 * read-model {@link OutcomeSink} with a pool of
 * its own on the projection's schema and its gauges tagged with the projection's name.
 */
final class ProjectionLauncher implements ProjectionReconciler.Launcher {

  private static final Logger log = LoggerFactory.getLogger(ProjectionLauncher.class);

  static final long FOLLOWER_COMMIT_MS = 200;

  private final ProjectorServiceConfig config;
  private final MeterRegistry registry;

  ProjectionLauncher(ProjectorServiceConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Decider startDecider(Projection p, Map<Integer, Long> publishFrom) {
    Projector started = Projector.startDecider(deciderConfig(p), registry, publishFrom);
    return new RunningDecider(started, registry, bind(started, registry));
  }

  /**
   * A rebuilt projection's projector catching up in this process, writing its outcomes to the projection's
   * private topic (the operator's rebuild applies them to its read model): its state is built where it will
   * decide, so the handoff's prepared decider opens it instead of restoring it from the changelogs. It commits
   * every {@value #FOLLOWER_COMMIT_MS} ms: what it folds is only seconds of backlog, and the operator sees it caught
   * up only at a commit. Its decisions are not counted with the live decider's.
   */
  @Override
  public Decider startFollower(Projection p) {
    ProjectorConfig c = deciderConfig(p).withCommitInterval(Duration.ofMillis(FOLLOWER_COMMIT_MS));
    Projector started = Projector.startRebuild(c, p.privateTopic(), ProjectorOptions.Progress.NONE,
        new CompositeMeterRegistry());
    return new RunningDecider(started, registry, null);
  }

  @Override
  public PreparedDecider prepareDecider(Projection p) {
    ProjectorConfig c = deciderConfig(p);
    // The follower just closed here saved its deadline indexes: read them now, not when the tasks start.
    DeadlineIndexSnapshot.readAhead(c.stateDir().resolve(c.applicationId()));
    Projector started = Projector.prepareDecider(c, registry);
    return new RunningDecider(started, registry, null);
  }

  private ProjectorConfig deciderConfig(Projection p) {
    return config.projector().withApplicationId(p.applicationId(), config.projector().stateDir());
  }

  private static KafkaStreamsMetrics bind(Projector projector, MeterRegistry registry) {
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(projector.streams());
    metrics.bindTo(registry);
    return metrics;
  }

  @Override
  public Sink startSink(Projection p) {
    String poolName = "projector-read-model-sink"
        + (p.name().equals(ProjectionCatalog.INITIAL) ? "" : "-" + p.name());
    HikariDataSource pool = new HikariDataSource(poolConfig(config, poolName, p.schema(), registry));
    try {
      SinkConfig sinkConfig = config.sink().withGroup(p.sinkGroup());
      OutcomeSink sink = OutcomeSink.start(sinkConfig, pool, p.schema(), registry);
      Tags tags = Tags.of("projection", p.name());
      List<Meter> meters = List.of(
          Gauge.builder("stocklog_sink_last_batch_size", sink, OutcomeSink::lastBatchSize).tags(tags).register(registry),
          Gauge.builder("stocklog_sink_lag", sink, OutcomeSink::lag).tags(tags).register(registry),
          Gauge.builder("stocklog_sink_database_down", sink, x -> x.databaseDown() ? 1 : 0).tags(tags)
              .register(registry),
          Gauge.builder("stocklog_sink_outcomes_applied", sink, OutcomeSink::outcomesApplied).tags(tags)
              .register(registry),
          Gauge.builder("stocklog_sink_stopped", sink, x -> x.failure().isPresent() ? 1 : 0).tags(tags)
              .description("1 when the sink stopped on a failure that is not an outage (see /ready for why)")
              .register(registry));
      return new RunningSink(sink, pool, meters, registry);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * A pool on the read model's database; {@code schema}, when given, is where the projection's unqualified
   * table names resolve.
   */
  static HikariConfig poolConfig(ProjectorServiceConfig config, String name, String schema, MeterRegistry registry) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(config.jdbcUrl());
    c.setUsername(config.jdbcUser());
    c.setPassword(config.jdbcPassword());
    if (schema != null) {
      // The writer's table names are unqualified: they resolve in the projection's schema.
      c.setSchema(schema);
    }
    // One writer thread: two connections leave room for the readiness check.
    c.setMaximumPoolSize(2);
    c.setConnectionTimeout(2_000);
    // Start even when Postgres is away: the sink waits for it, and the projector must decide meanwhile.
    c.setInitializationFailTimeout(-1);
    c.setMetricRegistry(registry);
    return c;
  }

  /**
   * A projector this process runs for a projection: its decider (with the Streams metrics bound for it), a
   * follower, or a prepared decider, whose metrics are bound when it is promoted.
   */
  private static final class RunningDecider implements PreparedDecider {
    private final Projector projector;
    private final MeterRegistry registry;
    private volatile KafkaStreamsMetrics metrics;

    RunningDecider(Projector projector, MeterRegistry registry, KafkaStreamsMetrics metrics) {
      this.projector = projector;
      this.registry = registry;
      this.metrics = metrics;
    }

    @Override
    public Projector projector() {
      return projector;
    }

    @Override
    public KafkaStreams.State state() {
      return projector.state();
    }

    @Override
    public boolean ready() {
      return projector.ready();
    }

    /** Set when the fold threw on a record: it names the record's position. */
    @Override
    public String failure() {
      return projector.failure().orElse(null);
    }

    @Override
    public void promote(Map<Integer, Long> publishFrom) {
      projector.promote(publishFrom);
      metrics = bind(projector, registry);
    }

    @Override
    public void close() {
      if (metrics != null) {
        closeQuietly(metrics);
      }
      projector.close();
    }
  }

  /** A read model's sink with the pool and the meters that belong to it. */
  private record RunningSink(OutcomeSink outcomeSink, HikariDataSource pool, List<Meter> meters,
      MeterRegistry registry) implements Sink {

    @Override
    public boolean running() {
      return outcomeSink.isRunning();
    }

    @Override
    public boolean databaseDown() {
      return outcomeSink.databaseDown();
    }

    /** Set when a batch failed with an error that is not an outage: it names the batch and the error. */
    @Override
    public String failure() {
      return outcomeSink.failure().orElse(null);
    }

    @Override
    public void close() {
      meters.forEach(registry::remove);
      closeQuietly(outcomeSink);
      pool.close();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", c, e.toString());
    }
  }
}
