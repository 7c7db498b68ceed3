package io.stocklog.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelSchema;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running query service: a connection pool on the read model and the HTTP app. Start it with
 * {@link #start}; closing stops the app, then the pool. Idempotent to close.
 */
public final class QueryService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueryService.class);

  private final HikariDataSource pool;
  private final JvmGcMetrics gcMetrics;
  private final QueryApp app;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ServedSchemaFollower follower;
  private final AppliedWatcher watcher;
  private final StockFeed feed;
  private final StockStream stream;
  private final PositionWaiters waiters;

  private QueryService(HikariDataSource pool, JvmGcMetrics gcMetrics, QueryApp app, ServedSchemaFollower follower,
      AppliedWatcher watcher, StockFeed feed, StockStream stream, PositionWaiters waiters) {
    this.follower = follower;
    this.pool = pool;
    this.gcMetrics = gcMetrics;
    this.app = app;
    this.watcher = watcher;
    this.feed = feed;
    this.stream = stream;
    this.waiters = waiters;
  }

  /**
   * Opens the pool, brings the read model's schema up to date (so a fresh database answers 404 rather than
   * errors), and starts HTTP on {@link QueryConfig#httpPort()}.
   */
  public static QueryService start(QueryConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /** As {@link #start(QueryConfig)}, reading through {@code around} the pool: how tests count statements. */
  static QueryService start(QueryConfig config, UnaryOperator<DataSource> around) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    HikariDataSource pool = new HikariDataSource(poolConfig(config, registry));
    AppliedWatcher watcher = null;
    try {
      ReadModelSchema.migrate(pool);
      ReadModelQueries queries = new ReadModelQueries(around.apply(pool));
      ServedSchemaFollower follower = ServedSchemaFollower.start(new ProjectionCatalog(pool), queries);
      ReadModelAge.bind(queries, config.partitions(), registry);
      SkuPartitioner partitioner = new SkuPartitioner(config.partitions());
      SkuViews views = new SkuViews(partitioner);
      PositionWaiters waiters = new PositionWaiters(config.partitions());
      StockFeed feed = new StockFeed();
      // The order matters: the views are current before a stream hears of a change (see StockStream).
      watcher = new AppliedWatcher(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), queries,
          config.partitions(), Duration.ofMillis(config.watchPollMs()), List.of(views, waiters, feed)).start();
      StockReader reader = new StockReader(queries, partitioner, waiters, views);
      StockStream stream = new StockStream(feed, views, reader, config.maxStreams(),
          Duration.ofMillis(config.streamHeartbeatMs()));
      bindGauges(registry, watcher, waiters, stream);
      QueryApp app = new QueryApp(reader, views, stream, queries, config.cacheMaxAgeSeconds(), registry);
      app.javalin().start(config.httpPort());
      log.info("Query service listening on port {} ({})", app.javalin().port(), config);
      return new QueryService(pool, gc, app, follower, watcher, feed, stream, waiters);
    } catch (RuntimeException e) {
      if (watcher != null) {
        watcher.close();
      }
      pool.close();
      gc.close();
      throw e;
    }
  }

  private static void bindGauges(PrometheusMeterRegistry registry, AppliedWatcher watcher, PositionWaiters waiters,
      StockStream stream) {
    Gauge.builder("stocklog.query.streams", stream, StockStream::open)
        .description("open GET /skus/{sku}/stream streams").register(registry);
    FunctionCounter.builder("stocklog.query.streams.dropped", stream, StockStream::dropped)
        .description("streams ended because their reader fell behind").register(registry);
    Gauge.builder("stocklog.query.waiting", waiters, PositionWaiters::waiting)
        .description("read-your-writes requests waiting for a position").register(registry);
    FunctionCounter.builder("stocklog.query.watcher.rounds", watcher, AppliedWatcher::rounds)
        .description("statements the read-model watcher sent: one per round").register(registry);
  }

  private static HikariConfig poolConfig(QueryConfig config, PrometheusMeterRegistry registry) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("query-read-model");
    c.setJdbcUrl(config.jdbcUrl());
    c.setUsername(config.jdbcUser());
    c.setPassword(config.jdbcPassword());
    c.setMaximumPoolSize(config.poolSize());
    c.setMinimumIdle(Math.min(2, config.poolSize()));
    // Fail fast when Postgres is away: a 503 in a second beats a request hanging for thirty.
    c.setConnectionTimeout(1_000);
    c.setValidationTimeout(500);
    c.addDataSourceProperty("connectTimeout", "1");
    c.addDataSourceProperty("socketTimeout", "10");
    c.addDataSourceProperty("tcpKeepAlive", "true");
    c.setMetricRegistry(registry);
    return c;
  }

  /** The watcher, for tests in this package that count its rounds. */
  AppliedWatcher watcher() {
    return watcher;
  }

  /** The streams, for tests in this package. */
  StockStream streams() {
    return stream;
  }

  /** The waiters, for tests in this package. */
  PositionWaiters waiters() {
    return waiters;
  }

  /** The HTTP app, for tests in this package that look at the server itself. */
  Javalin javalin() {
    return app.javalin();
  }

  /** The bound HTTP port (useful with {@code HTTP_PORT=0}). */
  public int port() {
    return app.javalin().port();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("Query service stopping");
    try {
      // Streams first: they would otherwise hold the graceful stop for its whole timeout.
      feed.closeAll();
      app.javalin().stop();
      watcher.close();
      follower.close();
    } finally {
      pool.close();
      gcMetrics.close();
    }
    log.info("Query service stopped");
  }
}
