package io.stocklog.projector;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.http.HttpPlumbing;
import io.stocklog.http.Readiness;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The projector process's HTTP server: it has no API of its own, only the shared operational routes of
 * {@link HttpPlumbing}: {@code /health}, {@code /ready} (the decider runs and every read-model sink reaches
 * Postgres), {@code /metrics} and {@code /openapi.json}.
 */
final class ProjectorApp {

  // What the shared plumbing serves and logs under for this process (see HttpPlumbing.Settings).
  static final String OPENAPI = "openapi/projector.json";
  static final String REQUEST_LOG = "io.stocklog.projector.RequestLog";

  private final Javalin javalin;

  /**
   * @param readiness what runs, asked on every {@code /ready}; must not wait for the reconciler
   * @param beforeScrape run before each {@code /metrics}: gauges read at scrape time (the projector's lag)
   */
  ProjectorApp(PrometheusMeterRegistry registry, Supplier<Readiness> readiness, Runnable beforeScrape) {
    // None of its routes waits for anything, so a stop need not wait long for them.
    HttpPlumbing.Settings settings = HttpPlumbing.Settings.of(REQUEST_LOG, OPENAPI, registry, readiness,
        Duration.ofSeconds(5));
    this.javalin = Javalin.create(c -> {
      HttpPlumbing.install(c, settings);
      c.routes.before("/metrics", ctx -> beforeScrape.run());
    });
  }

  Javalin javalin() {
    return javalin;
  }
}
