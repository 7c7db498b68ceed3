package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handoff of the deciding role from main (L) to r1 (T), each path driven step by step: the catalog is the
 * real one in Postgres; the consumer groups are scripted through {@link ConsumerGroups}, the port the handoff
 * reads Kafka through; the shutdown hook is run by the test where Ctrl-C would run it.
 */
@WithInfra
class HandoffTest {

  private static final String EVENTS = "inventory.events";
  private static final String OUTCOMES = "inventory.outcomes";
  private static final Projection L = new Projection("main", "stocklog-projector", "public", "stocklog-read-model",
      "inventory.outcomes.main", Phase.ACTIVE, null);
  private static final Projection T = new Projection("r1", "stocklog-projector-r1", "rm_r1",
      "stocklog-read-model-r1", "inventory.outcomes.r1", Phase.BUILDING, null);
  /** Where T's projector stopped. */
  private static final Map<Integer, Long> CT = Map.of(0, 100L, 1, 50L);
  /** Where T's sink starts on the live outcomes topic. */
  private static final Map<Integer, Long> SINK_START = Map.of(0, 70L, 1, 30L);

  private DataSource db;
  private ProjectionCatalog catalog;
  private long version0;
  private final Groups groups = new Groups();
  private final Hooks hooks = new Hooks();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeEach
  void aCatalogWhereMainDecidesAndR1IsBuilt(TestDatabase database) throws SQLException {
    db = database.dataSource();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + ProjectionCatalog.SCHEMA + " cascade");
    }
    catalog = new ProjectionCatalog(db);
    catalog.bootstrap(L);
    catalog.add(T);
    version0 = state().control().version();
    groups.committed.put(T.applicationId(), () -> CT);
  }

  @Test
  void theNewProjectionDecidesFromWhereTheLiveOneStoppedOnceItPassedCtAndLeftItsGroup() throws SQLException {
    Map<Integer, Long> behind = Map.of(0, 90L, 1, 50L);
    Map<Integer, Long> stopping = Map.of(0, 102L, 1, 51L);
    Map<Integer, Long> cl = Map.of(0, 104L, 1, 52L);
    List<String> seen = new ArrayList<>();
    // L is behind CT at first, then at CT; told to stop, it still commits what it was folding until it leaves
    // its group: only then are its offsets final.
    int[] calls = {0};
    boolean[] left = {false};
    groups.committed.put(L.applicationId(), () -> {
      State s = state();
      if (s.control().decider() != null) {
        seen.add("L asked while " + s.control().decider() + " decides");
        return calls[0]++ == 0 ? behind : CT;
      }
      return left[0] ? cl : stopping;
    });
    int[] idleCalls = {0};
    groups.idle.put(L.applicationId(), () -> {
      State s = state();
      seen.add("L's group asked while decider " + s.control().decider() + ", handoff from " + s.control().handoffFrom());
      left[0] = idleCalls[0]++ > 0;
      return left[0];
    });

    Handoff.Result r = handoff().to(T, SINK_START);

    assertThat(r.ct()).isEqualTo(CT);
    assertThat(r.cl()).isEqualTo(cl);
    assertThat(KafkaOffsets.atLeast(r.cl(), r.ct())).isTrue();
    assertThat(r.from().name()).isEqualTo("main");
    State s = state();
    assertThat(s.control().decider()).isEqualTo("r1");
    assertThat(s.control().publishFrom()).as("T publishes from CL, read after L left").isEqualTo(cl);
    assertThat(s.control().handoffFrom()).isNull();
    assertThat(s.control().serving()).as("serving is a later step").isEqualTo("main");
    assertThat(s.control().version()).isEqualTo(version0 + 2);
    assertThat(s.projection("r1").orElseThrow().phase()).isEqualTo(Phase.ACTIVE);
    assertThat(seen).containsExactly(
        "L asked while main decides", "L asked while main decides",
        "L's group asked while decider null, handoff from main",
        "L's group asked while decider null, handoff from main");
    assertThat(groups.commits).as("T's sink start, committed while nobody decided yet")
        .containsExactly(new Commit(T.sinkGroup(), OUTCOMES, SINK_START, null));
    assertThat(hooks.added).hasSize(1);
    assertThat(hooks.registered).as("the undo is unregistered once T decides").isEmpty();

    // A Ctrl-C that comes as the hook is being removed finds the handoff settled and leaves it alone.
    hooks.added.get(0).run();
    assertThat(state().control().decider()).isEqualTo("r1");
    assertThat(printed()).doesNotContain("interrupted");
  }

  @Test
  void aLiveProjectorThatNeverReachesCtIsNeverStopped() throws SQLException {
    groups.committed.put(L.applicationId(), () -> Map.of(0, 99L, 1, 50L));

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .hasMessageContaining("gave up waiting 1 s for the live projector main to reach");

    assertUntouched();
    assertThat(hooks.added).isEmpty();
  }

  @Test
  void aLiveProjectorThatNeverLeavesItsGroupTimesOutAndDecidesAgain() throws SQLException {
    groups.committed.put(L.applicationId(), () -> CT);
    groups.idle.put(L.applicationId(), () -> false);

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .hasMessageContaining("gave up waiting 1 s for the projector services to stop main")
        .hasMessageContaining("the handoff was undone, main decides");

    assertMainDecidesAgain();
    assertThat(groups.commits).isEmpty();
    assertThat(hooks.registered).isEmpty();
  }

  @Test
  void anInterruptionBeforeCompletionUndoesTheHandoff() throws SQLException {
    groups.committed.put(L.applicationId(), () -> CT);
    groups.idle.put(L.applicationId(), () -> {
      hooks.interrupt(); // Ctrl-C while waiting for L to leave
      return true;
    });

    assertThatThrownBy(() -> handoff().to(T, SINK_START)).hasMessage("interrupted");

    assertThat(printed()).contains("interrupted: the handoff was undone, main decides");
    assertMainDecidesAgain();
    assertThat(hooks.registered).isEmpty();
  }

  @Test
  void offsetsThatWentBackwardsAreRefusedAndTheHandoffUndone() throws SQLException {
    groups.committed.put(L.applicationId(), () -> state().control().decider() != null ? CT : Map.of(0, 100L, 1, 49L));
    groups.idle.put(L.applicationId(), () -> true);

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .hasMessageContaining("went behind")
        .hasMessageContaining("the handoff was undone, main decides");

    assertMainDecidesAgain();
    assertThat(groups.commits).as("no sink start for a handoff refused").isEmpty();
  }

  @Test
  void aCatalogChangedByAnotherOperatorBeforeTheHandoffIsRefusedAndNotOverwritten() throws SQLException {
    catalog.add(new Projection("old", "stocklog-projector-old", "rm_old", "stocklog-read-model-old",
        "inventory.outcomes.old", Phase.BUILDING, null));
    long version = state().control().version();
    groups.committed.put(L.applicationId(), () -> {
      try {
        catalog.remove(version, "old"); // another operator's drop, while this one waits for L to reach CT
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return CT;
    });

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .isInstanceOf(ProjectionCatalog.ConcurrentModificationException.class);

    State s = state();
    assertThat(s.control().decider()).isEqualTo("main");
    assertThat(s.control().handoffFrom()).isNull();
    assertThat(s.control().version()).isEqualTo(version + 1);
    assertThat(s.projections()).containsOnlyKeys("main", "r1");
    assertThat(hooks.added).isEmpty();
    assertThat(groups.commits).isEmpty();
  }

  @Test
  void aHandoffAnotherOperatorUndidIsNotCompleted() throws SQLException {
    groups.committed.put(L.applicationId(), () -> CT);
    groups.idle.put(L.applicationId(), () -> {
      try {
        // What `rollback` does when it finds a handoff under way.
        catalog.abortHandoff(state().control().version());
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return true;
    });

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .hasMessageContaining("the projection catalog changed under this operation")
        .hasMessageContaining("the handoff could not be undone")
        .hasMessageContaining("look at `status`");

    State s = state();
    assertThat(s.control().decider()).isEqualTo("main");
    assertThat(s.control().publishFrom()).isEmpty();
    assertThat(s.projection("r1").orElseThrow().phase()).isEqualTo(Phase.BUILDING);
    assertThat(hooks.registered).isEmpty();
  }

  @Test
  void aCompletionTheDatabaseRefusesIsUndone() throws SQLException {
    groups.committed.put(L.applicationId(), () -> CT);
    groups.idle.put(L.applicationId(), () -> {
      // T disappears behind the catalog's back: naming it the decider breaks a foreign key.
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("delete from stocklog.projection where name = 'r1'");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return true;
    });

    assertThatThrownBy(() -> handoff().to(T, SINK_START))
        .hasMessageContaining("the handoff was undone, main decides");

    State s = state();
    assertThat(s.control().decider()).isEqualTo("main");
    assertThat(s.control().handoffFrom()).isNull();
    assertThat(hooks.registered).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------

  private Handoff handoff() {
    return new Handoff(catalog, groups, EVENTS, OUTCOMES, new Poll(Duration.ofSeconds(1), Duration.ofMillis(10)),
        hooks, new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private State state() {
    try {
      return catalog.read().orElseThrow();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private void assertUntouched() {
    State s = state();
    assertThat(s.control().decider()).isEqualTo("main");
    assertThat(s.control().handoffFrom()).isNull();
    assertThat(s.control().version()).isEqualTo(version0);
  }

  /** The handoff began, and was undone: main decides as before, and r1 is not made a decider. */
  private void assertMainDecidesAgain() {
    State s = state();
    assertThat(s.control().decider()).isEqualTo("main");
    assertThat(s.control().handoffFrom()).isNull();
    assertThat(s.control().publishFrom()).isEmpty();
    assertThat(s.control().version()).as("begun, then undone").isEqualTo(version0 + 2);
    assertThat(s.projection("r1").orElseThrow().phase()).isEqualTo(Phase.BUILDING);
  }

  /** A commit the handoff made, with who decided as it made it. */
  record Commit(String group, String topic, Map<Integer, Long> offsets, String deciderThen) {}

  /** Consumer groups scripted per group: committed offsets and idleness asked of a supplier each time. */
  private final class Groups implements ConsumerGroups {
    final Map<String, Supplier<Map<Integer, Long>>> committed = new HashMap<>();
    final Map<String, BooleanSupplier> idle = new HashMap<>();
    final List<Commit> commits = new CopyOnWriteArrayList<>();

    @Override
    public Map<Integer, Long> committed(String group, String topic) {
      assertThat(topic).isEqualTo(EVENTS);
      return committed.getOrDefault(group, Map::of).get();
    }

    @Override
    public boolean idle(String group) {
      return idle.getOrDefault(group, () -> true).getAsBoolean();
    }

    @Override
    public void commit(String group, String topic, Map<Integer, Long> offsets) {
      commits.add(new Commit(group, topic, offsets, state().control().decider()));
    }
  }

  /** Shutdown hooks that only run when the test says: Ctrl-C at a chosen step. */
  private static final class Hooks implements Handoff.Hooks {
    final List<Thread> added = new CopyOnWriteArrayList<>();
    final List<Thread> registered = new CopyOnWriteArrayList<>();

    @Override
    public void add(Thread hook) {
      added.add(hook);
      registered.add(hook);
    }

    @Override
    public void remove(Thread hook) {
      registered.remove(hook);
    }

    /** What the JVM does on Ctrl-C: runs the registered hooks (here on the caller's thread, so it is done after). */
    void interrupt() {
      registered.forEach(Thread::run);
    }
  }
}
