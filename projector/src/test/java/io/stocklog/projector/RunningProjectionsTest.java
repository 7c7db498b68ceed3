package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.http.Readiness;
import io.stocklog.projector.StandInProjections.StandInDecider;
import io.stocklog.projector.StandInProjections.StandInSink;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Control;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The projector's readiness, from what runs: each check, and the detail that says what is wrong and why. */
class RunningProjectionsTest {

  private static final Projection MAIN = new Projection("main", "app", "public", "group", "outcomes.main",
      ProjectionCatalog.Phase.ACTIVE, null);
  private static final State DECIDING = new State(Map.of("main", MAIN), new Control("main", "main", Map.of(), null, null, 1));
  private static final State HANDOFF = new State(Map.of("main", MAIN), new Control("main", null, Map.of(), "main", null, 2));

  private final StandInDecider decider = new StandInDecider();
  private final StandInSink sink = new StandInSink();

  private Readiness readiness(State catalog, StandInDecider decider, StandInSink... sinks) {
    Map<String, RunningProjections.Sink> running = new LinkedHashMap<>();
    for (int i = 0; i < sinks.length; i++) {
      running.put(i == 0 ? "main" : "p" + i, sinks[i]);
    }
    return new RunningProjections(catalog, decider, running).readiness();
  }

  @Test
  void readyWhenTheProjectorRunsAndEverySinkReachesPostgres() {
    Readiness r = readiness(DECIDING, decider, sink, new StandInSink());

    assertThat(r.ready()).isTrue();
    assertThat(r.checks()).containsExactly(Map.entry("streams", "RUNNING"), Map.entry("readModelSink", "UP"));
  }

  @Test
  void notReadyBeforeAnythingRuns() {
    Readiness r = RunningProjections.NOTHING.readiness();

    assertThat(r.ready()).isFalse();
    assertThat(r.checks()).containsExactly(Map.entry("streams", "NOT_STARTED"), Map.entry("readModelSink", "DOWN"));
    assertThat(r.detail()).isEqualTo("the projector is not running (state NOT_STARTED)");
  }

  @Test
  void aProjectorNotRunningNamesItsState() {
    decider.state = KafkaStreams.State.PENDING_ERROR;

    Readiness r = readiness(DECIDING, decider, sink);

    assertThat(r.ready()).isFalse();
    assertThat(r.checks()).containsEntry("streams", "PENDING_ERROR");
    assertThat(r.detail()).isEqualTo("the projector is not running (state PENDING_ERROR)");
  }

  @Test
  void duringAHandoffNoProjectorIsMeantToRun() {
    Readiness r = readiness(HANDOFF, null, sink);

    assertThat(r.ready()).isTrue();
    assertThat(r.checks()).containsEntry("streams", "HANDOFF");
  }

  @Test
  void aSinkThatCannotReachPostgresIsDown() {
    StandInSink away = new StandInSink();
    away.databaseDown = true;

    Readiness r = readiness(DECIDING, decider, sink, away);

    assertThat(r.ready()).isFalse();
    assertThat(r.checks()).containsEntry("streams", "RUNNING").containsEntry("readModelSink", "DOWN");
    assertThat(r.detail()).isEqualTo("the read-model sink cannot reach Postgres");
  }

  @Test
  void aProjectorThatStoppedForGoodSaysWhy() {
    decider.failure = "cannot fold the record at 2-77";

    Readiness r = readiness(DECIDING, decider, sink);

    assertThat(r.ready()).isFalse();
    assertThat(r.detail()).isEqualTo("the projector stopped: cannot fold the record at 2-77");
  }

  @Test
  void aSinkThatStoppedForGoodSaysWhichAndWhy() {
    StandInSink broken = new StandInSink();
    broken.failure = "NullPointerException applying 1-5";

    Readiness r = readiness(DECIDING, decider, sink, broken);

    assertThat(r.ready()).isFalse();
    assertThat(r.checks()).containsEntry("readModelSink", "DOWN");
    assertThat(r.detail()).isEqualTo("the read-model sink of projection p1 stopped: NullPointerException applying 1-5");
  }
}
