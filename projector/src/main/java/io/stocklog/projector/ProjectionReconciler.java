package io.stocklog.projector;

import io.stocklog.projector.RunningProjections.Decider;
import io.stocklog.projector.RunningProjections.Sink;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what runs in the projector process follow the {@link ProjectionCatalog}, read every
 * {@value #RECONCILE_MS} ms: the decider of the catalog's deciding projection (none during a handoff between
 * two deciders, see the operator CLI's rebuild), and one read-model sink for every projection whose read model is
 * kept current (ACTIVE, and WARMING or WARM), each into its own schema. A rebuilt projection's projector runs here
 * too before its handoff, so that its state is where it will decide, and so does a rollback's: while the projection
 * is CATCHING_UP (WARMING), as a follower (folding the log, publishing to its private topic); once it is READY
 * (WARM), the follower is closed and a decider of it is prepared (paused, its state open);
 * when the catalog names it the decider, that prepared decider is promoted (told where to publish from, and
 * resumed) instead of a new one being started and restoring its state from the changelogs. A fresh deployment's catalog is created with {@code initial}. The catalog must be readable
 * once at {@link #start} to know what to run; after that a Postgres outage leaves what runs as it is.
 *
 * <p>Starting and stopping happen under this object's lock, and stopping a decider closes Kafka Streams, which
 * can take 30 s. Nobody else needs the lock to see what runs: every change is published at once as an
 * immutable {@link RunningProjections} ({@link #running()}), a decider or sink leaving it before it is closed.
 * Closing stops the loop, then the sinks, then the decider; idempotent.
 */
final class ProjectionReconciler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProjectionReconciler.class);
  /** Also how long a handoff's last step waits for this process to promote its prepared decider. */
  static final long RECONCILE_MS = 100;
  /** How often the catalog is read while a handoff is under way. */
  static final long HANDOFF_RECONCILE_MS = 10;
  static final long STARTUP_TIMEOUT_SECONDS = 120;

  /** Starts what a projection runs: the real projector and sink ({@link ProjectionLauncher}), or a test's stand-ins. */
  interface Launcher {

    Decider startDecider(Projection projection, Map<Integer, Long> publishFrom);

    /** The projector of a CATCHING_UP projection: folds the log, publishing only to its private topic. */
    Decider startFollower(Projection projection);

    /** A decider of a READY projection, paused until {@link PreparedDecider#promote}d. */
    PreparedDecider prepareDecider(Projection projection);

    Sink startSink(Projection projection);
  }

  /** A decider started paused, before the handoff to its projection. */
  interface PreparedDecider extends Decider {

    /** It decides from now on, publishing from {@code publishFrom}. */
    void promote(Map<Integer, Long> publishFrom);
  }

  private final ProjectionCatalog catalog;
  private final Projection initial;
  private final Launcher launcher;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile RunningProjections running = RunningProjections.NOTHING;

  // Guarded by this: what runs now, and what the catalog said when it was last read.
  private State lastState;
  private String deciderName;
  private Map<Integer, Long> deciderPublishFrom = Map.of();
  private Decider decider;
  private final Map<String, RunningSink> sinks = new LinkedHashMap<>();
  private final Map<String, Decider> followers = new LinkedHashMap<>();
  private final Map<String, PreparedDecider> prepared = new LinkedHashMap<>();
  private boolean catalogWarned;

  /** A sink with the projection it was started for, to tell when the catalog changed it. */
  private record RunningSink(Projection projection, Sink sink) {}

  ProjectionReconciler(ProjectionCatalog catalog, Projection initial, Launcher launcher) {
    this.catalog = catalog;
    this.initial = initial;
    this.launcher = launcher;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "projection-reconciler");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads the catalog and starts what it asks for, then follows it; throws if the catalog cannot be read within
   * {@value #STARTUP_TIMEOUT_SECONDS} s.
   *
   * @param where the catalog's database, as an error may name it (no password)
   */
  void start(String where) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_SECONDS);
    while (!reconcile()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cannot read the projection catalog in " + where + " within "
            + STARTUP_TIMEOUT_SECONDS + " s");
      }
      sleep(RECONCILE_MS);
    }
    timer.schedule(this::followCatalog, RECONCILE_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Reconciles, then comes back in {@value #RECONCILE_MS} ms; every {@value #HANDOFF_RECONCILE_MS} ms while a
   * handoff is under way (no decider): nobody decides until this process has noticed the new one.
   */
  private void followCatalog() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.warn("following the projection catalog failed; trying again: {}", e.toString());
    } finally {
      State s = lastState;
      boolean handoff = s != null && s.control().decider() == null;
      if (!closed.get()) {
        try {
          timer.schedule(this::followCatalog, handoff ? HANDOFF_RECONCILE_MS : RECONCILE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
          // Closing.
        }
      }
    }
  }

  /** What runs now; never waits for the lock. */
  RunningProjections running() {
    return running;
  }

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
    publish();
    try {
      String wanted = state.control().decider();
      Map<Integer, Long> from = state.control().publishFrom();
      // First stop what a projection no longer runs: a follower's state directory is what the prepared decider
      // of the same projection opens, and only one of them may hold it.
      for (Iterator<Map.Entry<String, Decider>> it = followers.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Decider> e = it.next();
        Projection p = state.projections().get(e.getKey());
        if (p == null || !p.phase().followed()) {
          it.remove();
          log.info("stopping the follower of projection {}", e.getKey());
          e.getValue().close();
        }
      }
      for (Iterator<Map.Entry<String, PreparedDecider>> it = prepared.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, PreparedDecider> e = it.next();
        Projection p = state.projections().get(e.getKey());
        if (p == null || (!p.phase().prepared() && !e.getKey().equals(wanted))) {
          it.remove();
          log.info("stopping the prepared decider of projection {}", e.getKey());
          e.getValue().close();
        }
      }
      if (!Objects.equals(wanted, deciderName) || (wanted != null && !from.equals(deciderPublishFrom))) {
        stopDecider();
        if (wanted != null) {
          PreparedDecider ready = prepared.remove(wanted);
          if (ready != null && ready.failure() == null && ready.state() != KafkaStreams.State.ERROR
              && ready.state() != KafkaStreams.State.NOT_RUNNING && ready.state() != KafkaStreams.State.PENDING_ERROR) {
            promoteDecider(state.projections().get(wanted), ready, from);
          } else {
            if (ready != null) {
              log.warn("the prepared decider of projection {} stopped ({}); starting it afresh", wanted,
                  ready.state());
              ready.close();
            }
            startDecider(state.projections().get(wanted), from);
          }
        }
      }
      for (Projection p : state.projections().values()) {
        if (p.phase().followed() && !followers.containsKey(p.name())) {
          log.info("following projection {} (application {}) until its handoff", p.name(), p.applicationId());
          followers.put(p.name(), launcher.startFollower(p));
        } else if (p.phase().prepared() && !prepared.containsKey(p.name())
            && !p.name().equals(deciderName)) {
          log.info("preparing to decide as projection {} (application {})", p.name(), p.applicationId());
          prepared.put(p.name(), launcher.prepareDecider(p));
        }
      }
      for (Iterator<Map.Entry<String, RunningSink>> it = sinks.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, RunningSink> e = it.next();
        Projection p = state.projections().get(e.getKey());
        if (p == null || !p.phase().keptCurrent() || !sameSink(p, e.getValue().projection())) {
          it.remove();
          publish();
          stopSink(e.getValue());
        }
      }
      for (Projection p : state.projections().values()) {
        if (p.phase().keptCurrent() && !sinks.containsKey(p.name())) {
          sinks.put(p.name(), new RunningSink(p, launcher.startSink(p)));
          publish();
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not start what the projection catalog asks for; trying again: {}", e.toString());
    }
    return true;
  }

  /** Whether a sink started for {@code running} is the one {@code p} wants: a phase change alone is not a new sink. */
  private static boolean sameSink(Projection p, Projection running) {
    return p.name().equals(running.name()) && p.schema().equals(running.schema())
        && p.sinkGroup().equals(running.sinkGroup()) && java.util.Objects.equals(p.createdAt(), running.createdAt());
  }

  /**
   * Stops the projector and starts it again with the same application ID and state directory, as a redeploy
   * would. For tests and the local stack.
   */
  synchronized void restartDecider() {
    String name = deciderName;
    Map<Integer, Long> from = deciderPublishFrom;
    if (name == null) {
      return;
    }
    Projection p = lastState.projections().get(name);
    stopDecider();
    startDecider(p, from);
  }

  private void startDecider(Projection p, Map<Integer, Long> publishFrom) {
    decider = launcher.startDecider(p, publishFrom);
    deciderName = p.name();
    deciderPublishFrom = publishFrom;
    publish();
    log.info("deciding as projection {} (application {})", p.name(), p.applicationId());
  }

  private void promoteDecider(Projection p, PreparedDecider ready, Map<Integer, Long> publishFrom) {
    ready.promote(publishFrom);
    decider = ready;
    deciderName = p.name();
    deciderPublishFrom = publishFrom;
    publish();
    log.info("deciding as projection {} (application {}), its prepared decider promoted", p.name(),
        p.applicationId());
  }

  private void stopDecider() {
    Decider stopping = decider;
    if (stopping == null) {
      deciderName = null;
      return;
    }
    log.info("stopping the projector of projection {}", deciderName);
    decider = null;
    deciderName = null;
    deciderPublishFrom = Map.of();
    // Out of what runs before it is closed: readiness must not wait for, nor report, a decider stopping.
    publish();
    stopping.close();
  }

  private static void stopSink(RunningSink running) {
    log.info("stopping the read-model sink of projection {}", running.projection().name());
    running.sink().close();
  }

  /** Called under the lock after every change to what runs. */
  private void publish() {
    Map<String, Sink> now = new LinkedHashMap<>();
    sinks.forEach((name, running) -> now.put(name, running.sink()));
    running = new RunningProjections(lastState, decider, now);
  }

  private synchronized void stopAll() {
    for (Iterator<Decider> it = followers.values().iterator(); it.hasNext(); ) {
      Decider d = it.next();
      it.remove();
      d.close();
    }
    for (Iterator<PreparedDecider> it = prepared.values().iterator(); it.hasNext(); ) {
      PreparedDecider d = it.next();
      it.remove();
      d.close();
    }
    for (Iterator<RunningSink> it = sinks.values().iterator(); it.hasNext(); ) {
      RunningSink sink = it.next();
      it.remove();
      publish();
      stopSink(sink);
    }
    stopDecider();
  }

  /** Stops following the catalog, then stops the sinks and the decider. Idempotent. */
  @Override
  public void close() throws InterruptedException {
    if (closed.getAndSet(true)) {
      return;
    }
    timer.shutdown();
    timer.awaitTermination(60, TimeUnit.SECONDS);
    stopAll();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
  }
}
