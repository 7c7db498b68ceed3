package io.stocklog.operator;

import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves the deciding role from the projection L that decides now to a projection T whose projector has folded
 * the log up to its committed offsets CT and has been closed (steps 2 and 3 of the protocol in
 * {@link Projections}):
 * <ol>
 *   <li>wait until L's committed offsets are at or past CT, so L has published every outcome T will not;
 *   <li>{@link ProjectionCatalog#beginHandoff}: the projector services stop L, and nobody decides;
 *   <li>wait until L's consumer group has no member: its committed offsets CL are final, and CL &gt;= CT;
 *   <li>commit where T's sink starts on the live outcomes topic (a rebuild: T's read model already holds
 *       everything before it);
 *   <li>{@link ProjectionCatalog#completeHandoff}: T decides, publishing from CL on (it folds [CT, CL) without
 *       publishing), and its read model is kept current.
 * </ol>
 *
 * <p>The hazard is the time between 2 and 5, when no projector decides: commands are appended but nobody
 * decides them. So whatever ends it early puts L back with {@link ProjectionCatalog#abortHandoff}: an error
 * or a timeout here, and an interruption (Ctrl-C) through a shutdown hook registered for exactly that time.
 * Exactly one of the three settles the handoff (the first to claim it), and every write to the catalog names
 * the version it was based on, so an undo and a completion can never both take effect, and another operator's
 * change in between makes this one's fail rather than be overwritten. Only a process killed outright leaves
 * the handoff open: {@code status} shows it and {@code rollback} undoes it.
 */
final class Handoff {

  /**
   * Where the undo is registered while nobody decides. In the CLI: the JVM's shutdown hooks, so Ctrl-C runs it;
   * tests run it themselves.
   */
  interface Hooks {
    void add(Thread hook);

    void remove(Thread hook);

    Hooks JVM = new Hooks() {
      @Override
      public void add(Thread hook) {
        Runtime.getRuntime().addShutdownHook(hook);
      }

      @Override
      public void remove(Thread hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running or has run.
        }
      }
    };
  }

  /**
   * A completed handoff.
   *
   * @param ct where T's projector stopped
   * @param cl where L stopped, and T publishes from: at or past {@code ct} in every partition
   * @param withoutDecider from the catalog's stopping L to its naming T
   */
  record Result(Projection from, Projection to, Map<Integer, Long> ct, Map<Integer, Long> cl,
      Duration withoutDecider) {}

  private final ProjectionCatalog catalog;
  private final ConsumerGroups groups;
  private final String events;
  private final String outcomes;
  private final Poll poll;
  private final Hooks hooks;
  private final PrintStream out;

  /**
   * @param events the events topic, whose offsets CT and CL are
   * @param outcomes the live outcomes topic, where T's sink starts
   * @param poll how long to wait for the live services at each step, and how often to look
   * @param out where the undo hook says what it did
   */
  Handoff(ProjectionCatalog catalog, ConsumerGroups groups, String events, String outcomes, Poll poll, Hooks hooks,
      PrintStream out) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.groups = Objects.requireNonNull(groups, "groups");
    this.events = Objects.requireNonNull(events, "events");
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Hands the deciding role to {@code t}, whose projector has just been closed; on any failure the projection
   * that decided before decides again.
   *
   * @param sinkStart where {@code t}'s sink group starts on the live outcomes topic, or null to leave it as it is
   * @throws IllegalStateException with the reason and what became of the handoff
   * @throws ProjectionCatalog.ConcurrentModificationException if the catalog changed before the handoff began
   */
  Result to(Projection t, Map<Integer, Long> sinkStart) throws SQLException {
    Map<Integer, Long> ct = groups.committed(t.applicationId(), events);
    State s = catalog.read().orElseThrow(() -> new IllegalStateException(
        "no projection catalog in this database: start the projector service once, it creates it"));
    Projection l = s.decider().orElseThrow(() -> new IllegalStateException("no projection decides"));
    poll.until("the live projector " + l.name() + " to reach " + ct + " (is a projector service running?)",
        () -> KafkaOffsets.atLeast(groups.committed(l.applicationId(), events), ct));
    catalog.beginHandoff(s.control().version());
    long stopped = System.nanoTime();
    long handoffVersion = s.control().version() + 1;
    // From here until the new decider is recorded, no projector decides: whatever stops this command
    // (an error, Ctrl-C) puts the previous decider back rather than leave the system without one.
    AtomicBoolean settled = new AtomicBoolean();
    Thread undo = new Thread(() -> {
      if (settled.compareAndSet(false, true)) {
        try {
          catalog.abortHandoff(handoffVersion);
          out.printf("interrupted: the handoff was undone, %s decides%n", l.name());
        } catch (Exception e) {
          out.printf("interrupted, and the handoff could not be undone (%s): look at `status`, and if a handoff "
              + "is still under way, `rollback` undoes it%n", e.getMessage());
        }
      }
    }, "undo-handoff");
    hooks.add(undo);
    Map<Integer, Long> cl;
    boolean claimed = false;
    try {
      poll.until("the projector services to stop " + l.name(), () -> groups.idle(l.applicationId()));
      cl = groups.committed(l.applicationId(), events);
      if (!KafkaOffsets.atLeast(cl, ct)) {
        // Cannot happen: committed offsets only grow, and L was at CT before it stopped.
        throw new IllegalStateException("the live projector's offsets " + cl + " went behind " + ct);
      }
      if (sinkStart != null) {
        groups.commit(t.sinkGroup(), outcomes, sinkStart);
      }
      claimed = settled.compareAndSet(false, true);
      if (!claimed) {
        throw new IllegalStateException("interrupted");
      }
      catalog.completeHandoff(handoffVersion, t.name(), cl);
    } catch (RuntimeException | SQLException | Error e) {
      if (!claimed && !settled.compareAndSet(false, true)) {
        throw e; // the undo hook ran, and said what became of the handoff
      }
      try {
        catalog.abortHandoff(handoffVersion);
      } catch (RuntimeException | SQLException undoFailed) {
        e.addSuppressed(undoFailed);
        throw new IllegalStateException(e.getMessage() + "; and the handoff could not be undone ("
            + undoFailed.getMessage() + "): look at `status`, and if a handoff is still under way, `rollback` "
            + "undoes it", e);
      }
      if (e instanceof Error) {
        throw e;
      }
      throw new IllegalStateException(e.getMessage() + "; the handoff was undone, " + l.name() + " decides", e);
    } finally {
      hooks.remove(undo);
    }
    return new Result(l, t, ct, cl, Duration.ofNanos(System.nanoTime() - stopped));
  }
}
