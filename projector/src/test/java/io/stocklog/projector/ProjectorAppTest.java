package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.projector.StandInProjections.StandInDecider;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The projector's HTTP app on a real {@link ProjectionReconciler} (with the real catalog in Postgres) whose
 * projector and sinks are stand-ins: {@code /ready} reads what runs without waiting for the reconciler, even
 * while it holds its lock for as long as a projector takes to stop, and it names why something stopped.
 */
@WithInfra
class ProjectorAppTest {

  private static final Projection INITIAL = new Projection(ProjectionCatalog.INITIAL, "stand-in-projector",
      "public", "stand-in-sink", "stand-in-outcomes.main", ProjectionCatalog.Phase.ACTIVE, null);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger scrapes = new AtomicInteger();

  @Test
  void readyAnswersAtOnceWhileTheReconcilerHoldsItsLockStoppingAProjector(TestDatabase db) throws Exception {
    withApp(db, (reconciler, launched, client) -> {
      assertThat(client.get("/ready").code()).isEqualTo(200);

      StandInDecider first = launched.deciders.getFirst();
      first.holdClose();
      Thread restarting = new Thread(reconciler::restartDecider, "restarting-the-projector");
      restarting.start();
      try {
        assertThat(first.closing.await(30, TimeUnit.SECONDS)).as("the projector is being closed").isTrue();
        assertThat(holdsMonitorOf(restarting, reconciler)).as("the reconciler's lock is held meanwhile").isTrue();

        Response ready = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> client.get("/ready"),
            "/ready waited for the reconciler's lock");
        JsonNode body = Json.MAPPER.readTree(ready.body().string());
        assertThat(ready.code()).as("%s", body).isEqualTo(503);
        assertThat(body.get("detail").asText()).isEqualTo("the projector is not running (state NOT_STARTED)");
        assertThat(body.get("checks")).isEqualTo(
            Json.MAPPER.readTree("{\"streams\":\"NOT_STARTED\",\"readModelSink\":\"UP\"}"));
        assertThat(ready.headers().get("Retry-After")).containsExactly("1");
      } finally {
        first.letClose();
      }
      restarting.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(restarting.isAlive()).isFalse();
      assertThat(launched.deciders).hasSize(2);
      assertThat(client.get("/ready").code()).isEqualTo(200);
    });
  }

  @Test
  void readyNamesWhyTheProjectorStoppedAndMetricsRefreshTheLagFirst(TestDatabase db) throws Exception {
    withApp(db, (reconciler, launched, client) -> {
      launched.deciders.getFirst().failure = "cannot fold the record at 3-1234: a bug";
      Response ready = client.get("/ready");
      JsonNode body = Json.MAPPER.readTree(ready.body().string());
      assertThat(ready.code()).isEqualTo(503);
      assertThat(body.get("detail").asText()).isEqualTo("the projector stopped: cannot fold the record at 3-1234: a bug");

      Response metrics = client.get("/metrics");
      assertThat(metrics.code()).isEqualTo(200);
      assertThat(scrapes.get()).isEqualTo(1);
    });
  }

  @Test
  void closingStopsTheSinksThenTheDeciderOnce(TestDatabase db) throws Exception {
    StandInProjections launched = new StandInProjections();
    ProjectionReconciler reconciler = new ProjectionReconciler(new ProjectionCatalog(db.dataSource()), INITIAL,
        launched);
    reconciler.start("the test database");
    assertThat(reconciler.running().readiness().ready()).isTrue();

    reconciler.close();
    reconciler.close();

    assertThat(launched.closed).containsExactly("sink", "decider");
    assertThat(reconciler.running().decider()).isNull();
    assertThat(reconciler.running().sinks()).isEmpty();
  }

  /** What a test does with the app, the reconciler behind it and what that started. */
  private interface AppTest {
    void run(ProjectionReconciler reconciler, StandInProjections launched, HttpClient client) throws Exception;
  }

  /** Runs {@code test} on the app over a reconciler that follows the real catalog and starts stand-ins. */
  private void withApp(TestDatabase db, AppTest test) throws Exception {
    StandInProjections launched = new StandInProjections();
    try (ProjectionReconciler reconciler = new ProjectionReconciler(new ProjectionCatalog(db.dataSource()), INITIAL,
        launched)) {
      reconciler.start("the test database");
      ProjectorApp app = new ProjectorApp(registry, () -> reconciler.running().readiness(), scrapes::incrementAndGet);
      JavalinTest.test(app.javalin(), (server, client) -> test.run(reconciler, launched, client));
    }
  }

  /** Whether {@code thread} holds {@code lock}'s monitor now. */
  private static boolean holdsMonitorOf(Thread thread, Object lock) {
    ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {thread.threadId()}, true, false)[0];
    return info != null && Arrays.stream(info.getLockedMonitors())
        .map(MonitorInfo::getIdentityHashCode)
        .anyMatch(hash -> hash == System.identityHashCode(lock));
  }
}
