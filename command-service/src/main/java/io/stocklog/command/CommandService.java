package io.stocklog.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.topics.TopicBootstrap;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running command service: the topics checked, one producer, one outcome follower, the HTTP app.
 * {@link #start} returns once it is listening on {@link #port()}; {@link #close()} stops accepting, lets
 * requests in flight finish, flushes the producer and stops following outcomes.
 */
public final class CommandService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CommandService.class);

  private final Deque<AutoCloseable> resources;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CommandService(Deque<AutoCloseable> resources, int port) {
    this.resources = resources;
    this.port = port;
  }

  public static CommandService start(CommandConfig config) {
    return start(config, Clock.systemUTC());
  }

  /** As {@link #start(CommandConfig)}, with the clock that stamps {@code occurredAt} on new events. */
  public static CommandService start(CommandConfig config, Clock clock) {
    // Before anything is opened: required auth with no token would refuse every command.
    config.requireUsableAuth();
    // Closed in reverse order of opening: HTTP first, then what it uses.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Admin admin = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
          AdminClientConfig.CLIENT_ID_CONFIG, "command-service-admin"));
      opened.push(admin);
      TopicBootstrap.ensure(admin, config.topics());

      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      opened.push(metrics::close);
      JvmGcMetrics gc = new JvmGcMetrics();
      opened.push(gc);
      gc.bindTo(metrics);
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      new ClassLoaderMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);
      new UptimeMetrics().bindTo(metrics);

      EventAppender appender = new EventAppender(
          config.bootstrapServers(), config.topics().events(), config.appendTimeout(), metrics);
      opened.push(appender);
      OutcomeFollower follower = OutcomeFollower.start(
          config.bootstrapServers(), config.topics().outcomes(), config.maxWaiters(), config.dedupCacheSize());
      opened.push(follower);
      Gauge.builder("stocklog.command.waiting", follower, OutcomeFollower::waiting)
          .description("callers waiting for an outcome (Prefer: wait)")
          .register(metrics);
      Gauge.builder("stocklog.command.first.outcomes", follower, OutcomeFollower::firstOutcomesRemembered)
          .description("first outcomes of IDs remembered to answer repeats without appending")
          .register(metrics);

      Counter waitsSkipped = Counter.builder("stocklog.command.waits.skipped")
          .description("Prefer: wait calls appended and answered 202 at once, because the cap on waiting callers"
              + " (STOCKLOG_MAX_WAITING) was reached")
          .register(metrics);

      ExecutorService responders = Executors.newVirtualThreadPerTaskExecutor();
      opened.push(responders::close);
      CommandApp app = new CommandApp(config, new CommandSubmitter(appender, follower, waitsSkipped),
          new KafkaReadiness(admin, Clock.systemUTC()), metrics, responders, clock);
      app.javalin().start(config.httpPort());
      opened.push(app.javalin()::stop);
      int port = app.javalin().port();
      log.info("command service listening on port {}, appending to {}", port, config.topics().events());
      log.info("command API auth {}", new BearerAuth(config.auth(), config.apiTokens()).describe());
      return new CommandService(opened, port);
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  /** The HTTP port bound (the configured one, or the one chosen for port 0). */
  public int port() {
    return port;
  }

  /** Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("command service on port {} stopping", port);
    RuntimeException failure = new RuntimeException("closing the command service failed");
    closeAll(resources, failure);
    log.info("command service on port {} stopped", port);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void closeAll(Deque<AutoCloseable> resources, Throwable collector) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        collector.addSuppressed(e);
      } catch (Exception e) {
        collector.addSuppressed(e);
      }
    }
  }
}
