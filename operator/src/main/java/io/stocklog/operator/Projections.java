package io.stocklog.operator;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.stocklog.projector.Projector;
import io.stocklog.projector.ProjectorConfig;
import io.stocklog.projector.StateSeed;
import io.stocklog.readmodel.OutcomeRows;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ReadModelWriter;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.readmodel.SinkConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Rebuild, rollback and drop: the operations that change which projection decides and which one serves.
 *
 * <h2>The handoff</h2>
 * Exactly one projector may publish to the live outcomes topic, and every event's outcome must be published
 * exactly once. Moving that role from the deciding projection L to a projection T goes:
 * <ol>
 *   <li>T's state is folded here in memory up to head0 and seeded into its changelogs (its group's committed
 *       offsets set there); then the projector services run a follower of T (catalog: T CATCHING_UP), which
 *       restores that state into their own state directories, where T will decide, and folds on, writing only to
 *       T's private topic, until it is near the head. Then the services close it (catalog: T READY), and its
 *       committed offsets are CT, and prepare a decider of T: started paused, its state open and its tasks
 *       assigned, it folds nothing yet.
 *   <li>Wait until L's committed offsets are at or past CT, then tell the projector services to stop L
 *       (catalog: decider null) and wait until L's consumer group has no member. Its committed offsets CL are
 *       now final, and CL &gt;= CT: every event before CL has its outcome published, none after.
 *   <li>Tell the services to run T as decider publishing from CL on (catalog: decider T, publish_from CL). They
 *       promote the prepared decider: told CL and resumed, it folds [CT, CL) into its state without publishing,
 *       and publishes from CL. (A service with no prepared decider of T starts one, which restores T's state from
 *       the changelogs first: the slow way.)
 * </ol>
 * A rollback to a projection L that decided before goes the same way from step 1's second half: its read model is
 * complete and kept current, so the services follow L from where it stopped deciding (catalog: L WARMING), then
 * prepare a decider of it (L WARM), and the handoff promotes it.
 * Commands keep being appended throughout (the command service needs only Kafka); outcomes pause between the
 * services' stopping L and their resuming T, which {@link Handoff} carries out and undoes if anything stops it.
 * Reads are never interrupted: the query service keeps serving the previous read model, which stays complete,
 * until T's has caught up with it; then one UPDATE of the catalog serves T's, and the query services follow it
 * within a quarter of a second.
 */
public final class Projections {

  /** How close to the head of the log a catching-up projector must get before the handoff starts. */
  static final long CATCH_UP_SLACK = 2_000;
  /** How often the handoff asks whether the live projector has stopped: every millisecond then is a pause. */
  static final Duration HANDOFF_POLL = Duration.ofMillis(20);
  /** How long a rebuild gives the prepared decider to open its stores before the handoff begins. */
  static final Duration PREPARED_SETTLE = Duration.ofSeconds(1);
  /** How long {@code drop} waits for the services to stop a projector of the projection dropped. */
  static final Duration DROP_PROJECTOR_WAIT = Duration.ofSeconds(5);
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private final Connections c;
  private final ProjectorConfig base;
  private final PrintStream out;
  private final boolean terminal;
  private final Duration timeout;
  private final Handoff.Hooks hooks;

  /**
   * @param base the projector settings (retention, commit interval, topics) the live projector runs with: a
   *     rebuild must fold with the same retention to decide the same
   * @param timeout how long to wait for the live services at each step before giving up and undoing
   */
  public Projections(Connections connections, ProjectorConfig base, PrintStream out, boolean terminal,
      Duration timeout) {
    this(connections, base, out, terminal, timeout, Handoff.Hooks.JVM);
  }

  /** With {@code hooks} where the undo of an unfinished rebuild or handoff is registered (tests run it). */
  Projections(Connections connections, ProjectorConfig base, PrintStream out, boolean terminal,
      Duration timeout, Handoff.Hooks hooks) {
    this.c = connections;
    this.base = base;
    this.out = out;
    this.terminal = terminal;
    this.timeout = timeout;
    this.hooks = hooks;
  }

  /** What a rebuild measured. */
  public record RebuildResult(Projection projection, long eventsFolded, Duration catchUp, double eventsPerSecond,
      Duration handoff) {}

  /** A name for a new projection: {@code r} and the UTC time, e.g. {@code r20261122213000}. */
  public static String newName() {
    return "r" + NAME_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  /**
   * Replays the events topic from the beginning into a new projection {@code name}: its own projector
   * application and state, its own schema, its own private outcomes topic; then hands the deciding role to it
   * and serves its read model (see the class comment). The previous projection stays, kept current, for
   * {@link #rollback} until {@link #drop}. Stopped before the handoff begins (an error, or Ctrl-C through a hook
   * registered for that time), it drops T, which nobody else would finish.
   */
  public RebuildResult rebuild(String name) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    State before = requireCatalog(catalog);
    requireSettled(before);
    if (before.projection(name).isPresent()) {
      throw new IllegalArgumentException("a projection named " + name + " exists already");
    }
    Projection t = new Projection(name, "stocklog-projector-" + name, "rm_" + name, "stocklog-read-model-" + name,
        base.topics().outcomes() + "." + name, ProjectionCatalog.Phase.BUILDING, null);
    catalog.add(t);
    // From here until the handoff begins, T is this command's alone: stopped early (an error, Ctrl-C), it drops T,
    // so that no follower or prepared decider of it goes on running in the services for nobody.
    Built built = new Undo("rebuild", "dropping " + name, name + " is being dropped", () -> dropUnfinished(t))
        .guard(() -> {
          ReadModelSchema.migrate(c.schema(t.schema()), t.schema());
          out.printf("rebuilding into projection %s (application %s, schema %s)%n", t.name(), t.applicationId(),
              t.schema());
          return build(t);
        });
    long handoffStart = System.nanoTime();
    handOver(t, built.liveStart());
    Duration handoff = Duration.ofNanos(System.nanoTime() - handoffStart);
    return new RebuildResult(t, built.folded(), built.catchUp(), built.rate(), handoff);
  }

  /** What the rebuild's part before the handoff measured, and where T's sink starts on the live topic. */
  private record Built(Map<Integer, Long> liveStart, long folded, Duration catchUp, double rate) {}

  /**
   * What undoes an operation stopped before its handoff begins: whichever comes first of an error, an interruption
   * (the hook, run by Ctrl-C) and the handoff's start claims it; the first two run the undo.
   */
  private final class Undo {
    private final String operation;
    private final String what;
    private final String undone;
    private final SqlAction action;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final Thread hook;

    /**
     * @param operation what is guarded ("rebuild"), for the message when it fails
     * @param what what the undo does, said as it starts
     * @param undone what is true once an interruption's undo has run, the message the operation then stops with
     */
    Undo(String operation, String what, String undone, SqlAction action) {
      this.operation = operation;
      this.what = what;
      this.undone = undone;
      this.action = action;
      this.hook = new Thread(() -> run("interrupted before its handoff"), "undo-before-handoff");
    }

    /**
     * Runs {@code work} (everything up to the handoff) with the undo registered as a hook; an error in it runs the
     * undo. Returns what it made once the handoff may begin, or fails if an interruption claimed the undo first.
     */
    <T> T guard(SqlWork<T> work) throws SQLException {
      hooks.add(hook);
      T made;
      try {
        made = work.run();
      } catch (RuntimeException | SQLException | Error e) {
        run("the " + operation + " failed before its handoff (" + e.getMessage() + ")");
        throw e;
      } finally {
        hooks.remove(hook);
      }
      if (!claim()) {
        throw new IllegalStateException("interrupted: " + undone);
      }
      return made;
    }

    private boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    private void run(String why) {
      if (!claim()) {
        return;
      }
      out.printf("%s: %s%n", why, what);
      try {
        action.run();
      } catch (RuntimeException | SQLException e) {
        out.printf("%s failed (%s): look at `status`%n", what, e.getMessage());
      }
    }
  }

  private interface SqlAction {
    void run() throws SQLException;
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  /** Drops a rebuild's projection T that never decided, retrying if the rebuild moved T's phase meanwhile. */
  private void dropUnfinished(Projection t) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        List<String> left = drop(t.name());
        if (!left.isEmpty()) {
          out.printf("consumer groups of %s left: %s%n", t.name(), left);
        }
        return;
      } catch (RuntimeException | SQLException e) {
        // The catalog's writes name the version or phase they read.
        if (attempt < 3 && requireCatalog(c.catalog()).projection(t.name()).isPresent()) {
          Poll.sleep(200);
          continue;
        }
        out.printf("could not drop %s (%s): `status` shows it, and `drop --name %s` finishes it%n", t.name(),
            e.getMessage(), t.name());
        return;
      }
    }
  }

  /** Steps 1 to 3 of a rebuild: the fold here, the state and rows written, the follower caught up, T READY. */
  private Built build(Projection t) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    String name = t.name();
    String events = base.topics().events();

    // Every outcome of an event after head0 is published after liveStart: T's sink starts there on the
    // live topic, since T will have folded at least up to head0 itself.
    Map<Integer, Long> liveStart = c.offsets().end(base.topics().outcomes());
    Map<Integer, Long> head0 = c.offsets().end(events);
    long total0 = head0.values().stream().mapToLong(x -> x).sum();
    long started = System.nanoTime();
    Path state = stateDir(t);
    deleteQuietly(state);

    // 1. The bulk, folded here in memory into T's state and into the rows of T's read model, which are
    //    written once at the end (a row changed a thousand times in the backlog is written once).
    FoldProgress seedProgress = new FoldProgress(head0.size());
    OutcomeRows rows = new OutcomeRows();
    StateSeed.Folded folded0;
    try (ProgressPrinter printer = new ProgressPrinter(out, terminal, "rebuild " + name + " (fold)", seedProgress,
        total0, 0)) {
      folded0 = StateSeed.fold(config(t, state), head0, chunk -> chunk.forEach(o -> rows.add(o)),
          chunk -> chunk.forEach(o -> rows.add(o)), seedProgress);
      printer.finish();
    }
    // The state into Kafka and the rows into Postgres at the same time: different machines' work. As soon as the
    // state is in the changelogs, the projector services start restoring it (step 2), while the rows are copied.
    long writeStart = System.nanoTime();
    CompletableFuture<StateSeed.Result> seeding = CompletableFuture.supplyAsync(() -> {
      StateSeed.Result r = folded0.seed();
      try {
        catalog.setPhase(name, ProjectionCatalog.Phase.BUILDING, ProjectionCatalog.Phase.CATCHING_UP);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot mark " + name + " CATCHING_UP in the catalog: " + e.getMessage(), e);
      }
      return r;
    });
    new ReadModelWriter(c.schema(t.schema())).copyInto(rows);
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    StateSeed.Result seeded;
    try {
      seeded = seeding.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException("seeding the state of " + name + " failed: " + e.getCause().getMessage(),
          e.getCause());
    }
    Duration seedTime = Duration.ofNanos(System.nanoTime() - started);
    out.printf("folded %,d records in %.1f s (%,d dead letters skipped); %,d state entries into the changelogs in "
        + "%.1f s; %,d outcomes as %,d SKU, %,d reservation and %,d order rows into %s in %.1f s%n",
        seeded.records(), seeded.fold().toMillis() / 1000.0, seeded.deadLetters(), seeded.stateEntries(),
        seeded.write().toMillis() / 1000.0, seeded.outcomes(), rows.stockRows(), rows.reservationRows(),
        rows.orderRows(), t.schema(), writeSeconds);

    // 2. The rest, folded in the projector services, by a follower of T (started once the state was seeded): its
    //    state is restored from the changelogs into the services' own state directories, where T will decide, and
    //    it goes on from head0, writing T's outcomes to T's private topic, which the sink here applies to T's read
    //    model once the rows are copied.
    long streamsStart = System.nanoTime();
    CompositeMeterRegistry metrics = new CompositeMeterRegistry();
    OutcomeSink sink = OutcomeSink.start(SinkConfig.of(base.bootstrapServers(), t.privateTopic(),
        t.sinkGroup() + "-rebuild"), c.schema(t.schema()), t.schema(), metrics);
    long folded;
    try {
      folded = seeded.records() + follow("rebuild " + name + " (catch up)", t, seeded.next(), total0);
      // 3. The services close the follower (T's committed offsets are final: CT) and prepare a decider of T where
      //    the follower ran: paused, its state open, its tasks assigned. Then the handoff only has to promote it.
      catalog.setPhase(name, ProjectionCatalog.Phase.CATCHING_UP, ProjectionCatalog.Phase.READY);
      awaitPrepared(t);
      long mark = sink.rounds();
      poll().until("the rebuild's sink to apply every outcome of the rebuild",
          () -> sink.rounds() > mark + 1 && sink.lag() == 0);
      // Assigned is not opened: the prepared decider's tasks open their stores after the group is stable, and a
      // handoff begun meanwhile has the old decider's close compete with them for the disk and the cores, while
      // nobody decides. Nothing outside the services shows when they are done; they take about half a second.
      Poll.sleep(PREPARED_SETTLE.toMillis());
    } finally {
      sink.close();
    }
    Duration streamsTime = Duration.ofNanos(System.nanoTime() - streamsStart);
    Duration catchUp = Duration.ofNanos(System.nanoTime() - started);
    double rate = folded * 1e9 / Math.max(1, catchUp.toNanos());
    out.printf("folded %,d events in %.1f s (%,.0f events/s): %.1f s in memory, %.1f s restoring and catching up "
        + "in the projector services; handing over%n", folded, catchUp.toMillis() / 1000.0, rate,
        seedTime.toMillis() / 1000.0, streamsTime.toMillis() / 1000.0);
    return new Built(liveStart, folded, catchUp, rate);
  }

  /**
   * Goes back to the projection that served before the last switch (or {@code to}): it has been kept
   * current, so it serves at once; its projector catches up here and takes the deciding role back. Also
   * finishes the undo of a handoff that was interrupted.
   */
  public Projection rollback(String to) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    State s = requireCatalog(catalog);
    if (s.control().decider() == null) {
      out.printf("a handoff from %s was interrupted; %s decides again%n", s.control().handoffFrom(),
          s.control().handoffFrom());
      catalog.abortHandoff(s.control().version());
      return s.projections().get(s.control().handoffFrom());
    }
    String name = to != null ? to : s.control().previous();
    if (name == null) {
      throw new IllegalStateException("nothing to roll back to: no projection served before "
          + s.control().serving() + " (name one with --to)");
    }
    Projection t = s.projection(name).orElseThrow(() -> new IllegalArgumentException("no projection " + name));
    if (!t.phase().keptCurrent()) {
      throw new IllegalStateException("projection " + name + " is " + t.phase() + ", not a complete read model");
    }
    if (!name.equals(s.control().decider())) {
      warm(t);
      try {
        handOver(t, null);
      } catch (RuntimeException | SQLException e) {
        // Undone (or never begun), the handoff leaves t WARM, a decider of it prepared in the services for nothing.
        State now = requireCatalog(catalog);
        if (now.control().decider() != null && !name.equals(now.control().decider())) {
          activeAgain(name);
        }
        throw e;
      }
    } else {
      serveWhenCaughtUp(t);
    }
    return t;
  }

  /**
   * Step 2 of the handoff for a projection that decided before (a rollback's): its read model is complete and kept
   * current, and its projector stopped where the last handoff away from it left it. The projector services follow
   * it from there (WARMING: they restore its state in their own state directories, most of it still there from when
   * it decided, and fold on privately), then prepare a decider of it (WARM), as a rebuild's. Stopped before the
   * handoff (an error, Ctrl-C), it is made ACTIVE again, which stops what the services ran for it.
   */
  private void warm(Projection t) throws SQLException {
    String name = t.name();
    new Undo("rollback", "making " + name + " ACTIVE again", name + " is ACTIVE again", () -> activeAgain(name))
        .guard(() -> {
          followThenPrepare(t);
          return null;
        });
  }

  /** The services follow {@code t} (WARMING) until it is caught up, then prepare a decider of it (WARM). */
  private void followThenPrepare(Projection t) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    String name = t.name();
    String events = base.topics().events();
    Phase phase = t.phase();
    if (phase == Phase.ACTIVE) {
      catalog.setPhase(name, Phase.ACTIVE, Phase.WARMING);
      phase = Phase.WARMING;
    }
    if (phase == Phase.WARMING) {
      Map<Integer, Long> resumed = c.offsets().committed(t.applicationId(), events);
      follow("catch up " + name, t, resumed, resumed.values().stream().mapToLong(x -> x).sum());
      catalog.setPhase(name, Phase.WARMING, Phase.WARM);
    }
    awaitPrepared(t);
    // As in a rebuild: the prepared decider's tasks open their stores after the group is stable.
    Poll.sleep(PREPARED_SETTLE.toMillis());
  }

  /** Waits until the projector services' prepared decider of {@code t} has joined and been given its tasks. */
  private void awaitPrepared(Projection t) {
    poll().until("the projector services to prepare a decider of " + t.name(), () -> c.offsets()
        .stableWith(t.applicationId(), t.applicationId() + Projector.DECIDER, base.topics().events()));
  }

  /** Puts a rollback's target back to ACTIVE from WARMING or WARM: the services stop warming it. */
  private void activeAgain(String name) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    Phase phase = requireCatalog(catalog).projection(name).map(Projection::phase).orElse(Phase.ACTIVE);
    if (phase == Phase.WARMING || phase == Phase.WARM) {
      catalog.setPhase(name, phase, Phase.ACTIVE);
    }
  }

  /**
   * Forgets projection {@code name} and deletes its schema, topics and consumer groups; refuses a live one.
   * A group that cannot be deleted does not stop the rest: it is printed, and returned.
   *
   * @return the consumer groups of {@code name} still there (a group that never existed is not one)
   */
  public List<String> drop(String name) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    State s = requireCatalog(catalog);
    Projection p = s.projection(name).orElseThrow(() -> new IllegalArgumentException("no projection " + name));
    if (name.equals(s.control().serving()) || name.equals(s.control().decider())
        || name.equals(s.control().handoffFrom())) {
      throw new IllegalStateException("projection " + name + " is live (serving " + s.control().serving()
          + ", deciding " + s.control().decider() + "): switch away from it first");
    }
    catalog.remove(s.control().version(), name);
    out.printf("dropped %s from the catalog; waiting for the services to stop its sink%n", name);
    poll().until("the projector services to stop the sink of " + name, () -> c.offsets().idle(p.sinkGroup()));
    try {
      // The services stop a follower or prepared decider of it (a rebuild that did not finish) at once; a projector
      // of it running elsewhere is not waited for: its group is named below as left.
      new Poll(DROP_PROJECTOR_WAIT).until("the projector services to stop the projector of " + name,
          () -> c.offsets().idle(p.applicationId()));
    } catch (IllegalStateException stillRunning) {
      // Reported with the groups left.
    }
    ReadModelSchema.drop(c.database(), p.schema());
    Set<String> topics = KafkaOffsets.get(c.admin().listTopics().names());
    List<String> doomed = topics.stream()
        .filter(t -> t.equals(p.privateTopic()) || t.startsWith(p.applicationId() + "-"))
        .sorted().toList();
    if (!doomed.isEmpty()) {
      KafkaOffsets.get(c.admin().deleteTopics(doomed).all());
    }
    List<String> left = new ArrayList<>();
    for (String group : List.of(p.applicationId(), p.sinkGroup(), p.sinkGroup() + "-rebuild")) {
      try {
        KafkaOffsets.get(c.admin().deleteConsumerGroups(List.of(group)).all());
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
          // Left behind, its offsets would be where a projection created again under this name starts.
          out.printf("could not delete consumer group %s: %s%n", group, e.getMessage());
          left.add(group);
        }
      }
    }
    deleteQuietly(stateDir(p));
    out.printf("dropped projection %s: schema %s, topics %s%n", name, p.schema(), doomed);
    if (!left.isEmpty()) {
      out.printf("consumer groups left: %s; delete them (kafka-consumer-groups --delete --group) once nothing uses "
          + "them%n", String.join(", ", left));
    }
    return left;
  }

  // ---------------------------------------------------------------------------------------------------------

  private ProjectorConfig config(Projection p, Path state) {
    // A rebuild commits once a second: fewer, larger transactions fold faster.
    return base.withApplicationId(p.applicationId(), state).withCommitInterval(Duration.ofSeconds(1));
  }

  private Path stateDir(Projection p) {
    return c.settings().stateDir().resolve(p.name());
  }

  /** How long a rebuild waits, once caught up, for the follower to show it has restored its state everywhere. */
  static final Duration RESTORED_SIGN_WAIT = Duration.ofSeconds(10);

  /**
   * Waits until the projector services' follower of {@code t} is near the head of the log, watching the offsets
   * its consumer group commits; returns the events it folded. Near the head is not enough: a task folds nothing
   * before its state is restored, and a task left restoring when the follower closes restores the rest at the
   * handoff, while nobody decides (a prepared decider is paused, and a paused task does not restore). So it also
   * waits, for at most {@link #RESTORED_SIGN_WAIT}, for the follower to commit past {@code seeded} in every
   * partition whose log grew past it by more than a transaction marker: the sign that the partition's task has
   * restored and folds. A partition nothing was appended to gives no such sign.
   *
   * @throws IllegalStateException if the follower commits nothing for the timeout (no projector service running?)
   */
  private long follow(String what, Projection t, Map<Integer, Long> seeded, long base0) {
    String events = base.topics().events();
    // The follower's offsets start where the seed committed them, so on a quiet log they look caught up at once:
    // wait for the follower itself (it has created the private topic by then, and restores).
    poll().until("the projector services to start following " + t.name() + " (is a projector service running?)",
        () -> c.offsets().stableWith(t.applicationId(), t.applicationId() + Projector.FOLLOWER, events));
    ProgressBar bar = new ProgressBar(out, terminal, base0);
    Map<Integer, Long> end = c.offsets().end(events);
    long lastEnd = System.nanoTime();
    Map<Integer, Long> last = seeded;
    long lastMove = System.nanoTime();
    long caughtUpAt = 0;
    while (true) {
      Map<Integer, Long> committed = c.offsets().committed(t.applicationId(), events);
      if (!committed.equals(last)) {
        last = committed;
        lastMove = System.nanoTime();
      } else if (System.nanoTime() - lastMove > timeout.toNanos()) {
        throw new IllegalStateException(what + ": the projector services' follower of " + t.name() + " made no "
            + "progress for " + timeout.toSeconds() + " s (is a projector service running? see its log)");
      }
      if (System.nanoTime() - lastEnd > 1_000_000_000L) {
        end = c.offsets().end(events);
        lastEnd = System.nanoTime();
      }
      long done = committed.values().stream().mapToLong(x -> x).sum();
      long total = end.values().stream().mapToLong(x -> x).sum();
      bar.show(what, done, total);
      if (KafkaOffsets.atLeast(committed, seeded) && KafkaOffsets.distance(committed, end) <= CATCH_UP_SLACK) {
        if (caughtUpAt == 0) {
          caughtUpAt = System.nanoTime();
        }
        Map<Integer, Long> endNow = end;
        boolean restored = seeded.entrySet().stream().allMatch(e -> committed.get(e.getKey()) > e.getValue()
            || endNow.getOrDefault(e.getKey(), 0L) - e.getValue() <= 1);
        if (restored || System.nanoTime() - caughtUpAt > RESTORED_SIGN_WAIT.toNanos()) {
          bar.finish(what, done, Math.max(done, total));
          return done - base0;
        }
      }
      Poll.sleep(100);
    }
  }

  /** Steps 2 and 3 of the handoff to {@code t} (whose projector has just been closed), then serve it. */
  private void handOver(Projection t, Map<Integer, Long> sinkStart) throws SQLException {
    // Nobody decides between L's leaving and T's starting: notice L's leaving quickly.
    Handoff.Result r = new Handoff(c.catalog(), c.offsets(), base.topics().events(), base.topics().outcomes(),
        new Poll(timeout, HANDOFF_POLL), hooks, out).to(t, sinkStart);
    out.printf("%s decides from %s on (no projector decided for %d ms)%n", t.name(), r.cl(),
        r.withoutDecider().toMillis());
    serveWhenCaughtUp(t);
  }

  /** Waits until {@code t}'s read model has applied what the served one had, then serves it. */
  private void serveWhenCaughtUp(Projection t) throws SQLException {
    ProjectionCatalog catalog = c.catalog();
    State s = requireCatalog(catalog);
    if (s.control().serving().equals(t.name())) {
      return;
    }
    Projection served = s.serving();
    Map<Integer, Long> target = applied(served.schema());
    poll().until("the read model of " + t.name() + " to catch up with " + served.name(),
        () -> KafkaOffsets.atLeast(applied(t.schema()), target));
    catalog.serve(requireCatalog(catalog).control().version(), t.name());
    out.printf("serving %s (was %s; `rollback` goes back to it until it is dropped)%n", t.name(), served.name());
  }

  /** {@code applied_position} of the read model in {@code schema}, by partition. */
  Map<Integer, Long> applied(String schema) {
    Map<Integer, Long> m = new TreeMap<>();
    new ReadModelQueries(c.database(), schema).appliedPositions().forEach(p -> m.put(p.partition(), p.appliedOffset()));
    return m;
  }

  private static State requireCatalog(ProjectionCatalog catalog) throws SQLException {
    return catalog.read().orElseThrow(() -> new IllegalStateException(
        "no projection catalog in this database: start the projector service once, it creates it"));
  }

  private static void requireSettled(State s) {
    if (s.control().decider() == null) {
      throw new IllegalStateException("a handoff from " + s.control().handoffFrom()
          + " was interrupted; run `rollback` to undo it first");
    }
  }

  private Poll poll() {
    return new Poll(timeout);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover state directory only costs disk.
    }
  }
}
