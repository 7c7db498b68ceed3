package io.stocklog.projector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.http.OpenApiDocument;
import io.stocklog.http.ProblemErrorHandler;
import io.stocklog.http.RequestLog;
import io.stocklog.json.Json;
import io.stocklog.readmodel.OutcomeSink;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.readmodel.SinkConfig;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector process: the {@link Projector} deciding events, an {@link OutcomeSink} per kept read model
 * applying the live outcomes to Postgres (decoupled through the outcomes topic, so the projector keeps
 * deciding while Postgres is away), and a small HTTP server with {@code /health}, {@code /ready} and
 * {@code /metrics}.
 *
 * <p>What runs follows the {@link ProjectionCatalog}, read every {@value #RECONCILE_MS} ms: the projector of
 * the catalog's decider (none during a handoff between two deciders, see the operator CLI's rebuild), and
 * one sink for every ACTIVE projection, each into its own schema. A fresh deployment's catalog is created
 * with one projection, {@value ProjectionCatalog#INITIAL}, from this process's settings (its application ID,
 * the {@code public} schema, its sink group), so a deployment that predates the catalog carries on as it was.
 * The catalog must be readable once at start to know which projector to run; after that a Postgres outage
 * leaves the projector deciding and the sinks waiting. Closing stops HTTP, the sinks, then the projector;
 * idempotent.
 */
public final class ProjectorService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProjectorService.class);
  private static final String PROBLEM_JSON = "application/problem+json";
  /** The OpenAPI document of the HTTP server, served at {@code GET /openapi.json}. */
  static final String OPENAPI = "openapi/projector.json";
  /** The logger of the one line a request (see {@link RequestLog}). */
  static final String REQUEST_LOG = "io.stocklog.projector.RequestLog";
  static final long RECONCILE_MS = 500;

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ProjectorServiceConfig config;
  private final Projection initial;
  private PrometheusMeterRegistry registry;
  private ProjectionCatalog catalog;
  private ScheduledExecutorService reconciler;
  private Javalin http;

  /** Guarded by this: what runs now. */
  private volatile Projector projector;
  private String deciderName;
  private Map<Integer, Long> deciderPublishFrom = Map.of();
  private KafkaStreamsMetrics streamsMetrics;
  private final Map<String, RunningSink> sinks = new LinkedHashMap<>();
  private volatile State lastState;
  private volatile boolean catalogWarned;

  /** A read model's sink with the pool and the meters that belong to it. */
  private record RunningSink(Projection projection, OutcomeSink sink, HikariDataSource pool, List<Meter> meters) {}

  private ProjectorService(ProjectorServiceConfig config) {
    this.config = config;
    this.initial = new Projection(ProjectionCatalog.INITIAL, config.projector().applicationId(),
        ReadModelSchema.DEFAULT_SCHEMA, config.sink().groupId(),
        config.projector().topics().outcomes() + "." + ProjectionCatalog.INITIAL, ProjectionCatalog.Phase.ACTIVE,
        null);
  }

  /**
   * Starts the service; returns once the catalog was read and what it asks for is started, or throws if
   * Postgres cannot be reached within {@code STARTUP_TIMEOUT}.
   */
  public static ProjectorService start(ProjectorServiceConfig config) {
    ProjectorService service = new ProjectorService(config);
    try {
      service.startAll();
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  private void startAll() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    resources.push(gc);

    HikariDataSource catalogPool = new HikariDataSource(poolConfig("projector-catalog", null, registry));
    resources.push(catalogPool);
    catalog = new ProjectionCatalog(catalogPool);
    resources.push(this::stopAll);

    ProjectorLag lag = new ProjectorLag(() -> {
      Projector p = projector;
      return p == null ? null : p.streams();
    }, config.projector().topics().events(), registry);

    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_SECONDS);
    while (!reconcile()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cannot read the projection catalog in Postgres ("
            + JdbcUrls.redacted(config.jdbcUrl()) + ") within " + STARTUP_TIMEOUT_SECONDS + " s");
      }
      sleep(RECONCILE_MS);
    }
    reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "projection-reconciler");
      t.setDaemon(true);
      return t;
    });
    reconciler.scheduleWithFixedDelay(this::reconcile, RECONCILE_MS, RECONCILE_MS, TimeUnit.MILLISECONDS);
    resources.push(() -> {
      reconciler.shutdown();
      reconciler.awaitTermination(60, TimeUnit.SECONDS);
    });

    http = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.http.prefer405over404 = true;
      // What Jetty refuses before routing (bad URI, oversize headers) is a problem+json too, not HTML.
      c.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
      Handler health = ctx -> write(ctx, 200, "application/json", Map.of("status", "UP"));
      Handler scrape = ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
      // HEAD is GET without the body (RFC 9110 9.3.2); Jetty drops the body and keeps the headers.
      c.routes.get("/health", health);
      c.routes.head("/health", health);
      c.routes.get("/ready", this::ready);
      c.routes.head("/ready", this::ready);
      c.routes.get("/metrics", scrape);
      c.routes.head("/metrics", scrape);
      c.routes.get("/openapi.json", OpenApiDocument.handler(OPENAPI));
      RequestLog.install(c, REQUEST_LOG);
      c.routes.before("/metrics", ctx -> lag.refresh());
      c.routes.exception(HttpResponseException.class, ProjectorService::refused);
      c.routes.error(404, ctx -> {
        if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
          problem(ctx, 404, "Not Found", "no such resource: " + ctx.method() + " " + ctx.path());
        }
      });
    });
    http.start(config.httpPort());
    resources.push(http::stop);
    log.info("projector service: health and metrics on port {}", http.port());
  }

  static final long STARTUP_TIMEOUT_SECONDS = 120;

  /**
   * Makes what runs match the catalog. Returns false when the catalog could not be read (Postgres away):
   * then nothing changes, a running projector keeps deciding.
   */
  private synchronized boolean reconcile() {
    if (closed.get()) {
      return true;
    }
    State state;
    try {
      state = lastState == null ? catalog.bootstrap(initial) : catalog.read().orElse(null);
      catalogWarned = false;
    } catch (SQLException | RuntimeException e) {
      if (!catalogWarned) {
        catalogWarned = true;
        log.warn("cannot read the projection catalog; what runs stays as it is: {}", e.toString());
      }
      return false;
    }
    if (state == null) {
      return false;
    }
    lastState = state;
    try {
      String wanted = state.control().decider();
      Map<Integer, Long> from = state.control().publishFrom();
      if (!Objects.equals(wanted, deciderName) || (wanted != null && !from.equals(deciderPublishFrom))) {
        stopDecider();
        if (wanted != null) {
          startDecider(state.projections().get(wanted), from);
        }
      }
      for (Iterator<Map.Entry<String, RunningSink>> it = sinks.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, RunningSink> e = it.next();
        Projection p = state.projections().get(e.getKey());
        if (p == null || p.phase() != ProjectionCatalog.Phase.ACTIVE || !p.equals(e.getValue().projection())) {
          stopSink(e.getValue());
          it.remove();
        }
      }
      for (Projection p : state.projections().values()) {
        if (p.phase() == ProjectionCatalog.Phase.ACTIVE && !sinks.containsKey(p.name())) {
          startSink(p);
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not start what the projection catalog asks for; trying again: {}", e.toString());
    }
    return true;
  }

  private void startDecider(Projection p, Map<Integer, Long> publishFrom) {
    ProjectorConfig c = config.projector().withApplicationId(p.applicationId(), config.projector().stateDir());
    Projector started = Projector.startDecider(c, registry, publishFrom);
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(started.streams());
    metrics.bindTo(registry);
    projector = started;
    streamsMetrics = metrics;
    deciderName = p.name();
    deciderPublishFrom = publishFrom;
    log.info("deciding as projection {} (application {})", p.name(), p.applicationId());
  }

  private void stopDecider() {
    Projector running = projector;
    if (running == null) {
      deciderName = null;
      return;
    }
    log.info("stopping the projector of projection {}", deciderName);
    projector = null;
    deciderName = null;
    deciderPublishFrom = Map.of();
    closeQuietly(streamsMetrics);
    streamsMetrics = null;
    running.close();
  }

  private void startSink(Projection p) {
    String poolName = "projector-read-model-sink"
        + (p.name().equals(ProjectionCatalog.INITIAL) ? "" : "-" + p.name());
    HikariDataSource pool = new HikariDataSource(poolConfig(poolName, p.schema(), registry));
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
              .register(registry));
      sinks.put(p.name(), new RunningSink(p, sink, pool, meters));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private void stopSink(RunningSink running) {
    log.info("stopping the read-model sink of projection {}", running.projection().name());
    running.meters().forEach(registry::remove);
    closeQuietly(running.sink());
    running.pool().close();
  }

  private synchronized void stopAll() {
    sinks.values().forEach(this::stopSink);
    sinks.clear();
    stopDecider();
  }

  private HikariConfig poolConfig(String name, String schema, PrometheusMeterRegistry registry) {
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

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", c, e.toString());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
  }

  private void ready(Context ctx) {
    State state = lastState;
    Projector running = projector;
    // During a handoff no projector may run, by design: that is not a failure to restart for.
    boolean handoff = state != null && state.control().decider() == null;
    boolean streamsUp = handoff || (running != null && running.ready());
    List<RunningSink> runningSinks;
    synchronized (this) {
      runningSinks = List.copyOf(sinks.values());
    }
    boolean sinkUp = !runningSinks.isEmpty()
        && runningSinks.stream().allMatch(r -> r.sink().isRunning() && !r.sink().databaseDown());
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("streams", handoff ? "HANDOFF" : running == null ? "NOT_STARTED" : running.state().name());
    checks.put("readModelSink", sinkUp ? "UP" : "DOWN");
    if (streamsUp && sinkUp) {
      write(ctx, 200, "application/json", Map.of("status", "UP", "checks", checks));
      return;
    }
    ctx.header("Retry-After", "1");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", "Service Unavailable");
    body.put("status", 503);
    body.put("detail", !streamsUp ? "the projector is not running (state " + checks.get("streams") + ")"
        : "the read-model sink cannot reach Postgres");
    body.put("checks", checks);
    write(ctx, 503, PROBLEM_JSON, body);
  }

  /** Javalin's own refusals: no route (404), or a method the path does not take (405, with Allow). */
  private static void refused(HttpResponseException e, Context ctx) {
    String allowed = String.join(", ", e.getDetails().values());
    String detail = switch (e.getStatus()) {
      case 404 -> "no such resource: " + ctx.method() + " " + ctx.path();
      case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path()
          + (allowed.isEmpty() ? "" : "; allowed: " + allowed);
      default -> e.getMessage();
    };
    if (e.getStatus() == 405 && !allowed.isEmpty()) {
      ctx.header("Allow", allowed);
    }
    problem(ctx, e.getStatus(), HttpStatus.forStatus(e.getStatus()).getMessage(), detail);
  }

  private static void problem(Context ctx, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    write(ctx, status, PROBLEM_JSON, body);
  }

  private static void write(Context ctx, int status, String contentType, Object body) {
    try {
      ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The HTTP port for health and metrics. */
  public int port() {
    return http.port();
  }

  /** The running projector, or null during a handoff. */
  public Projector projector() {
    return projector;
  }

  /** The sink of the served read model, or null when none runs. */
  public synchronized OutcomeSink sink() {
    State state = lastState;
    RunningSink served = state == null ? null : sinks.get(state.control().serving());
    return served == null ? null : served.sink();
  }

  /**
   * Stops the projector and starts it again with the same application ID and state directory, as a redeploy
   * would; exactly-once processing must leave no decision doubled or lost. For tests and the local stack.
   */
  public synchronized void restartProjector() {
    String name = deciderName;
    Map<Integer, Long> from = deciderPublishFrom;
    if (name == null) {
      return;
    }
    Projection p = lastState.projections().get(name);
    stopDecider();
    startDecider(p, from);
  }

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
      } catch (Exception e) {
        log.warn("closing {} failed: {}", r, e.toString());
      }
    }
    log.info("projector service stopped");
  }
}
