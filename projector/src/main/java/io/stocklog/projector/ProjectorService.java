package io.stocklog.projector;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ReadModelSchema;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector process: the metrics registry, the {@link ProjectionReconciler} that runs the deciding
 * {@link Projector} and an {@link OutcomeSink} per kept read model as the {@link ProjectionCatalog} says
 * (the sinks decoupled through the outcomes topic, so the projector keeps deciding while Postgres is away),
 * and the small HTTP server, {@link ProjectorApp}.
 *
 * <p>A fresh deployment's catalog is created with one projection, {@value ProjectionCatalog#INITIAL}, from
 * this process's settings (its application ID, the {@code public} schema, its sink group), so a deployment
 * that predates the catalog carries on as it was. Closing stops HTTP, the reconciler (the sinks, then the
 * projector), then the catalog's pool and the metrics; idempotent.
 */
public final class ProjectorService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProjectorService.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private ProjectionReconciler reconciler;
  private ProjectorApp app;

  private ProjectorService() {}

  /**
   * Starts the service; returns once the catalog was read and what it asks for is started, or throws if
   * Postgres cannot be reached within {@value ProjectionReconciler#STARTUP_TIMEOUT_SECONDS} s.
   */
  public static ProjectorService start(ProjectorServiceConfig config) {
    ProjectorService service = new ProjectorService();
    try {
      service.startAll(config);
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  private void startAll(ProjectorServiceConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    resources.push(gc);

    HikariDataSource catalogPool = new HikariDataSource(
        ProjectionLauncher.poolConfig(config, "projector-catalog", null, registry));
    resources.push(catalogPool);
    Projection initial = new Projection(ProjectionCatalog.INITIAL, config.projector().applicationId(),
        ReadModelSchema.DEFAULT_SCHEMA, config.sink().groupId(),
        config.projector().topics().outcomes() + "." + ProjectionCatalog.INITIAL, ProjectionCatalog.Phase.ACTIVE,
        null);
    reconciler = new ProjectionReconciler(new ProjectionCatalog(catalogPool), initial,
        new ProjectionLauncher(config, registry));
    resources.push(reconciler);
    reconciler.start("Postgres (" + JdbcUrls.redacted(config.jdbcUrl()) + ")");

    ProjectorLag lag = new ProjectorLag(() -> {
      Projector p = reconciler.running().projector();
      return p == null ? null : p.streams();
    }, config.projector().topics().events(), registry);
    app = new ProjectorApp(registry, () -> reconciler.running().readiness(), lag::refresh);
    app.javalin().start(config.httpPort());
    resources.push(app.javalin()::stop);
    log.info("projector service: health and metrics on port {}", app.javalin().port());
  }

  /** The HTTP port for health and metrics. */
  public int port() {
    return app.javalin().port();
  }

  /** The running projector, or null during a handoff. */
  public Projector projector() {
    return reconciler.running().projector();
  }

  /** The sink of the served read model, or null when none runs. */
  public OutcomeSink sink() {
    return reconciler.running().servedSink();
  }

  /**
   * Stops the projector and starts it again with the same application ID and state directory, as a redeploy
   * would; exactly-once processing must leave no decision doubled or lost. For tests and the local stack.
   */
  public void restartProjector() {
    reconciler.restartDecider();
  }

  /** Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("projector service stopping");
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("interrupted while closing {}", r);
      } catch (Exception e) {
        log.warn("closing {} failed: {}", r, e.toString());
      }
    }
    log.info("projector service stopped");
  }
}
