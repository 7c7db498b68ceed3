package io.stocklog.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
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

  private QueryService(HikariDataSource pool, JvmGcMetrics gcMetrics, QueryApp app, ServedSchemaFollower follower) {
    this.follower = follower;
    this.pool = pool;
    this.gcMetrics = gcMetrics;
    this.app = app;
  }

  /**
   * Opens the pool, brings the read model's schema up to date (so a fresh database answers 404 rather than
   * errors), and starts HTTP on {@link QueryConfig#httpPort()}.
   */
  public static QueryService start(QueryConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    HikariDataSource pool = new HikariDataSource(poolConfig(config, registry));
    try {
      ReadModelSchema.migrate(pool);
      ReadModelQueries queries = new ReadModelQueries(pool);
      ServedSchemaFollower follower = ServedSchemaFollower.start(new ProjectionCatalog(pool), queries);
      ReadModelAge.bind(queries, config.partitions(), registry);
      QueryApp app = new QueryApp(new StockReader(queries, new SkuPartitioner(config.partitions())), queries,
          registry);
      app.javalin().start(config.httpPort());
      log.info("Query service listening on port {} ({})", app.javalin().port(), config);
      return new QueryService(pool, gc, app, follower);
    } catch (RuntimeException e) {
      pool.close();
      gc.close();
      throw e;
    }
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
      app.javalin().stop();
      follower.close();
    } finally {
      pool.close();
      gcMetrics.close();
    }
    log.info("Query service stopped");
  }
}
