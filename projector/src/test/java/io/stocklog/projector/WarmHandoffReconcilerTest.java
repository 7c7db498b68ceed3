package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the projector service runs for a rebuilt projection before and at its handoff, on a real
 * {@link ProjectionReconciler} following the real catalog in Postgres, with stand-in projectors: a follower while it
 * is CATCHING_UP; once it is READY, the follower closed before a decider of it is prepared (both would hold the same
 * state directory); at the handoff, that prepared decider promoted with the previous decider's end, not a new one
 * started (which would restore its state from the changelogs while nobody decides).
 */
@WithInfra
class WarmHandoffReconcilerTest {

  private static final Projection MAIN = new Projection(ProjectionCatalog.INITIAL, "stand-in-projector",
      "public", "stand-in-sink", "stand-in-outcomes.main", Phase.ACTIVE, null);
  private static final Projection T = new Projection("t", "stand-in-projector-t", "rm_t", "stand-in-sink-t",
      "stand-in-outcomes.t", Phase.BUILDING, null);
  private static final Projection T2 = new Projection("t2", "stand-in-projector-t2", "rm_t2", "stand-in-sink-t2",
      "stand-in-outcomes.t2", Phase.BUILDING, null);
  private static final Projection U2 = new Projection("u2", "stand-in-projector-u2", "rm_u2", "stand-in-sink-u2",
      "stand-in-outcomes.u2", Phase.BUILDING, null);

  @Test
  void aRebuiltProjectionIsFollowedThenPreparedThenPromotedAtItsHandoff(TestDatabase db) throws Exception {
    ProjectionCatalog catalog = new ProjectionCatalog(db.dataSource());
    StandInProjections launched = new StandInProjections();
    try (ProjectionReconciler reconciler = new ProjectionReconciler(catalog, MAIN, launched)) {
      reconciler.start("the test database");
      // The other test may have run first, in the same database.
      ProjectionCatalog.Control before = catalog.read().orElseThrow().control();
      String deciding = "decider " + before.decider() + " from " + before.publishFrom();
      catalog.add(T);
      Thread.sleep(3 * ProjectionReconciler.RECONCILE_MS);
      assertThat(launched.events).as("a BUILDING projection runs nothing here").containsExactly(deciding);

      catalog.setPhase("t", Phase.BUILDING, Phase.CATCHING_UP);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("follower t"));
      assertThatThrownBy(() -> catalog.setPhase("t", Phase.BUILDING, Phase.READY))
          .as("a phase moves only from the one named").isInstanceOf(ProjectionCatalog.ConcurrentModificationException.class);

      catalog.setPhase("t", Phase.CATCHING_UP, Phase.READY);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("prepared t"));
      assertThat(launched.events).containsSubsequence("follower t", "closed follower t", "prepared t");

      long version = catalog.read().orElseThrow().control().version();
      catalog.beginHandoff(version);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("closed decider"));
      Map<Integer, Long> cl = new java.util.TreeMap<>(Map.of(0, 17L, 1, 4L));
      catalog.completeHandoff(version + 1, "t", cl);
      await().atMost(Duration.ofSeconds(10)).until(() -> reconciler.running().decider() != null);

      assertThat(launched.events).as("the prepared decider decides; none is started afresh").containsExactly(
          deciding, "follower t", "closed follower t", "prepared t", "closed decider",
          "promoted t from " + cl);
      assertThat(reconciler.running().decider()).isSameAs(launched.prepared.getFirst());
      assertThat(launched.deciders).hasSize(1);
      assertThat(catalog.read().orElseThrow().projection("t").orElseThrow().phase()).isEqualTo(Phase.ACTIVE);
    }
    assertThat(launched.events.getLast()).as("closing the service closes the promoted decider")
        .isEqualTo("closed prepared t");
  }

  /**
   * A rollback's target: an ACTIVE projection whose read model its sink keeps current is WARMING (a follower of it
   * runs, its sink goes on, untouched), then WARM (the follower closed, a decider prepared, the sink still going on),
   * and its prepared decider is promoted at the handoff; made ACTIVE again instead, what ran for it stops.
   */
  @Test
  void aRollbacksTargetIsWarmedWhileItsSinkGoesOn(TestDatabase db) throws Exception {
    Projection w = new Projection("w", "stand-in-projector-w", "rm_w", "stand-in-sink-w", "stand-in-outcomes.w",
        Phase.BUILDING, null);
    Projection v = new Projection("v", "stand-in-projector-v", "rm_v", "stand-in-sink-v", "stand-in-outcomes.v",
        Phase.BUILDING, null);
    ProjectionCatalog catalog = new ProjectionCatalog(db.dataSource());
    StandInProjections launched = new StandInProjections();
    try (ProjectionReconciler reconciler = new ProjectionReconciler(catalog, MAIN, launched)) {
      reconciler.start("the test database");
      catalog.add(w);
      catalog.add(v);
      catalog.setPhase("w", Phase.BUILDING, Phase.ACTIVE);
      catalog.setPhase("v", Phase.BUILDING, Phase.ACTIVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> reconciler.running().sinks().keySet().containsAll(List.of("w", "v")));
      int sinks = launched.sinks.size();
      List<String> closedBefore = List.copyOf(launched.closed);

      catalog.setPhase("w", Phase.ACTIVE, Phase.WARMING);
      catalog.setPhase("v", Phase.ACTIVE, Phase.WARMING);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.containsAll(List.of("follower w", "follower v")));
      catalog.setPhase("w", Phase.WARMING, Phase.WARM);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("prepared w"));
      assertThat(launched.events).containsSubsequence("follower w", "closed follower w", "prepared w");

      // v's rollback stopped: ACTIVE again, its follower stops.
      catalog.setPhase("v", Phase.WARMING, Phase.ACTIVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("closed follower v"));

      long version = catalog.read().orElseThrow().control().version();
      catalog.beginHandoff(version);
      catalog.completeHandoff(version + 1, "w", Map.of(0, 9L));
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("promoted w from {0=9}"));
      assertThat(catalog.read().orElseThrow().projection("w").orElseThrow().phase()).isEqualTo(Phase.ACTIVE);
      Thread.sleep(3 * ProjectionReconciler.RECONCILE_MS);
      assertThat(launched.sinks).as("no sink started or stopped by a phase change alone").hasSize(sinks);
      assertThat(launched.closed).filteredOn("sink"::equals).as("no sink closed")
          .hasSameSizeAs(closedBefore.stream().filter("sink"::equals).toList());
      assertThat(reconciler.running().sinks()).containsKeys("w", "v");
    }
  }

  @Test
  void aProjectionDroppedOrFailedBeforeItsHandoffStopsWhatRanForIt(TestDatabase db) throws Exception {
    ProjectionCatalog catalog = new ProjectionCatalog(db.dataSource());
    StandInProjections launched = new StandInProjections();
    try (ProjectionReconciler reconciler = new ProjectionReconciler(catalog, MAIN, launched)) {
      reconciler.start("the test database");
      catalog.add(T2);
      catalog.add(U2);
      catalog.setPhase("u2", Phase.BUILDING, Phase.CATCHING_UP);
      catalog.setPhase("t2", Phase.BUILDING, Phase.CATCHING_UP);
      catalog.setPhase("t2", Phase.CATCHING_UP, Phase.READY);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> launched.events.containsAll(List.of("follower u2", "prepared t2")));

      catalog.remove(catalog.read().orElseThrow().control().version(), "u2");
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("closed follower u2"));

      // A prepared decider that stopped (its state could not be opened, say) is not promoted: a new one starts.
      launched.prepared.getFirst().state = org.apache.kafka.streams.KafkaStreams.State.ERROR;
      long version = catalog.read().orElseThrow().control().version();
      catalog.beginHandoff(version);
      catalog.completeHandoff(version + 1, "t2", Map.of(0, 3L));
      await().atMost(Duration.ofSeconds(10)).until(() -> launched.events.contains("decider t2 from {0=3}"));
      assertThat(launched.events).doesNotContain("promoted t2 from {0=3}").contains("closed prepared t2");
    }
  }
}
