package io.stocklog.projector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.stocklog.projector.RunningProjections.Decider;
import io.stocklog.projector.RunningProjections.Sink;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.SinkConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what the {@link ProjectionReconciler} asks for, for real: a projection's deciding {@link Projector}
 * (Kafka Streams, its metrics bound to the registry), and its read-model {@link OutcomeSink} with a pool of
 * its own on the projection's schema and its gauges tagged with the projection's name.
 */
final class ProjectionLauncher implements ProjectionReconciler.Launcher {

  private static final Logger log = LoggerFactory.getLogger(ProjectionLauncher.class);

  private final ProjectorServiceConfig config;
  private final MeterRegistry registry;

  ProjectionLauncher(ProjectorServiceConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Decider startDecider(Projection p, Map<Integer, Long> publishFrom) {
    ProjectorConfig c = config.projector().withApplicationId(p.applicationId(), config.projector().stateDir());
    Projector started = Projector.startDecider(c, registry, publishFrom);
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(started.streams());
    metrics.bindTo(registry);
    return new RunningDecider(started, metrics);
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

  /** The deciding projector and the Streams metrics bound for it. */
  private record RunningDecider(Projector projector, KafkaStreamsMetrics metrics) implements Decider {

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
    public void close() {
      closeQuietly(metrics);
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
