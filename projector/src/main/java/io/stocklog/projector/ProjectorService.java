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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector process: the {@link Projector} deciding events, the {@link OutcomeSink} applying its outcomes
 * to the Postgres read model (decoupled through the outcomes topic, so the projector keeps deciding while
 * Postgres is away), and a small HTTP server with {@code /health}, {@code /ready} and {@code /metrics}.
 * Closing stops HTTP, then the sink, then the projector; idempotent.
 */
public final class ProjectorService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProjectorService.class);
  private static final String PROBLEM_JSON = "application/problem+json";
  /** The OpenAPI document of the HTTP server, served at {@code GET /openapi.json}. */
  static final String OPENAPI = "openapi/projector.json";
  /** The logger of the one line a request (see {@link RequestLog}). */
  static final String REQUEST_LOG = "io.stocklog.projector.RequestLog";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ProjectorServiceConfig config;
  private volatile Projector projector;
  private PrometheusMeterRegistry registry;
  private OutcomeSink sink;
  private Javalin http;

  private ProjectorService(ProjectorServiceConfig config) {
    this.config = config;
  }

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

    projector = Projector.start(config.projector(), registry);
    resources.push(() -> projector.close());
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(projector.streams());
    streamsMetrics.bindTo(registry);
    resources.push(streamsMetrics);
    ProjectorLag lag = new ProjectorLag(() -> projector.streams(), config.projector().topics().events(), registry);

    HikariDataSource pool = new HikariDataSource(poolConfig(registry));
    resources.push(pool);
    sink = OutcomeSink.start(config.sink(), pool, registry);
    resources.push(sink);
    Gauge.builder("stocklog_sink_last_batch_size", sink, OutcomeSink::lastBatchSize).register(registry);
    Gauge.builder("stocklog_sink_lag", sink, OutcomeSink::lag).register(registry);
    Gauge.builder("stocklog_sink_database_down", sink, s -> s.databaseDown() ? 1 : 0).register(registry);
    Gauge.builder("stocklog_sink_outcomes_applied", sink, OutcomeSink::outcomesApplied).register(registry);

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

  private HikariConfig poolConfig(PrometheusMeterRegistry registry) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("projector-read-model-sink");
    c.setJdbcUrl(config.jdbcUrl());
    c.setUsername(config.jdbcUser());
    c.setPassword(config.jdbcPassword());
    // One writer thread: two connections leave room for the readiness check.
    c.setMaximumPoolSize(2);
    c.setConnectionTimeout(2_000);
    // Start even when Postgres is away: the sink waits for it, and the projector must decide meanwhile.
    c.setInitializationFailTimeout(-1);
    c.setMetricRegistry(registry);
    return c;
  }

  private void ready(Context ctx) {
    boolean streamsUp = projector.ready();
    boolean sinkUp = sink.isRunning() && !sink.databaseDown();
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("streams", projector.state().name());
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
    body.put("detail", !streamsUp ? "the projector is not running (state " + projector.state() + ")"
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

  public Projector projector() {
    return projector;
  }

  public OutcomeSink sink() {
    return sink;
  }

  /**
   * Stops the projector and starts it again with the same application ID and state directory, as a redeploy
   * would; exactly-once processing must leave no decision doubled or lost. For tests and the local stack.
   */
  public synchronized void restartProjector() {
    projector.close();
    projector = Projector.start(config.projector(), registry);
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
