package io.stocklog.operator;

import io.stocklog.operator.StatusReport.ProjectionRow;
import io.stocklog.operator.StatusReport.Row;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.readmodel.ReadModelUnavailableException;
import io.stocklog.topics.TopicSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Gathers what {@code status} shows ({@link StatusReport}): per partition of the events topic, how far the
 * log, the deciding projector, the served read model and its sink are, the lag of each, and the dead letters;
 * and the projection catalog.
 *
 * <p>Where each number comes from:
 * <ul>
 *   <li>log end: the events topic's end offset;
 *   <li>decided: the committed offset of the deciding projection's Streams application (its consumer group);
 *       its lag counts the events after it (with {@code read_committed}, see {@link CommittedRecords});
 *   <li>read model: {@code applied_offset + 1} of the served projection's schema ({@link ReadModelQueries}).
 *       Only events that produced an outcome advance it (ticks, dead letters and some duplicates do not), so
 *       {@code log end - read model} is an upper bound of how far the read model is behind, not a lag;
 *   <li>sink: the served projection's sink group's committed offset on the outcomes topic, and its lag: the
 *       committed outcomes after it, which is exact (outcomes partition n holds the outcomes of events
 *       partition n);
 *   <li>dead letters: the committed records of the dead-letter topic, by partition (a dead letter is written to
 *       the partition number of the event it stands for).
 * </ul>
 * Nothing here needs Postgres but the catalog and the read model's position: without a database, or a
 * catalog yet, the Kafka numbers are shown for the projector application and sink group of the environment.
 */
final class StatusGatherer {

  /** Ranges longer than this many offsets are not read to count them; their distance stands in. */
  static final long MAX_READ = 20_000;
  static final Duration READ_BUDGET = Duration.ofSeconds(10);

  private final OperatorSettings settings;
  private final String envApplicationId;
  private final String envSinkGroup;

  /**
   * @param envApplicationId the projector application to look at when there is no catalog to say
   * @param envSinkGroup the sink group to look at when there is no catalog to say
   */
  StatusGatherer(OperatorSettings settings, String envApplicationId, String envSinkGroup) {
    this.settings = settings;
    this.envApplicationId = envApplicationId;
    this.envSinkGroup = envSinkGroup;
  }

  StatusReport gather() {
    TopicSettings t = settings.topics();
    List<String> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();

    // The catalog first: it says which application and which schema to look at.
    Optional<State> state = Optional.empty();
    DataSource db = dataSource();
    boolean catalogRead = false;
    try {
      state = new ProjectionCatalog(db).read();
      catalogRead = true;
      if (state.isEmpty()) {
        notes.add("no projection catalog exists yet in this database (the projector service creates it at its "
            + "first start); showing projector application " + envApplicationId + " and sink group " + envSinkGroup
            + " from the environment");
      }
    } catch (SQLException | RuntimeException e) {
      problems.add("cannot read the projection catalog at " + JdbcUrls.redacted(settings.jdbcUrl()) + ": "
          + e.getMessage() + "; showing projector application " + envApplicationId + " and sink group "
          + envSinkGroup + " from the environment");
    }

    List<ProjectionRow> projections = new ArrayList<>();
    String decider = null;
    String deciderApp = envApplicationId;
    String handoffFrom = null;
    String serving = null;
    String servedSchema = catalogRead ? ReadModelSchema.DEFAULT_SCHEMA : null;
    String sinkGroup = envSinkGroup;
    Long version = null;
    if (state.isPresent()) {
      State s = state.get();
      ProjectionCatalog.Control c = s.control();
      version = c.version();
      for (Projection p : s.projections().values()) {
        projections.add(new ProjectionRow(p, p.name().equals(c.serving()), p.name().equals(c.decider()),
            p.name().equals(c.previous()), p.name().equals(c.handoffFrom())));
      }
      serving = c.serving();
      servedSchema = s.serving().schema();
      sinkGroup = s.serving().sinkGroup();
      decider = c.decider();
      handoffFrom = c.handoffFrom();
      if (decider != null) {
        deciderApp = s.decider().orElseThrow().applicationId();
      } else {
        Projection from = s.projections().get(handoffFrom);
        deciderApp = from == null ? null : from.applicationId();
        notes.add("a handoff is under way: no projector decides until it completes (a few seconds); "
            + handoffFrom + " decided before it, and its committed offsets are shown. If this lasts, "
            + "`rollback` undoes the handoff.");
      }
    }

    try (Admin admin = CommittedRecords.admin(settings.bootstrapServers(), Duration.ofSeconds(15))) {
      KafkaOffsets kafka = new KafkaOffsets(admin);
      Set<String> existing = KafkaOffsets.get(admin.listTopics().names());
      if (!existing.contains(t.events())) {
        problems.add("the events topic " + t.events() + " does not exist; `topics` creates it");
        return new StatusReport(t, state.isPresent(), version, projections, decider, deciderApp, handoffFrom,
            serving, servedSchema, sinkGroup, List.of(), null, true, true, true, null, notes, problems);
      }
      Map<Integer, Long> eventsStart = kafka.start(t.events());
      Map<Integer, Long> eventsEnd = kafka.end(t.events());
      Map<Integer, Long> decided = deciderApp == null ? Map.of() : kafka.committedPartitions(deciderApp, t.events());
      CommittedRecords.Count decideLag = CommittedRecords.count(settings.bootstrapServers(), t.events(),
          from(decided, eventsStart), eventsEnd, MAX_READ, READ_BUDGET);

      Map<Integer, Long> applied = Map.of();
      if (servedSchema != null) {
        try {
          applied = applied(db, servedSchema);
        } catch (ReadModelUnavailableException e) {
          String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
          notes.add("no read model position in schema " + servedSchema + " (" + why.lines().findFirst().orElse("")
              + ")");
        }
      }

      Map<Integer, Long> outcomesEnd = null;
      Map<Integer, Long> sinkCommitted = Map.of();
      CommittedRecords.Count sinkLag = null;
      if (existing.contains(t.outcomes())) {
        Map<Integer, Long> outcomesStart = kafka.start(t.outcomes());
        outcomesEnd = kafka.end(t.outcomes());
        sinkCommitted = kafka.committedPartitions(sinkGroup, t.outcomes());
        sinkLag = CommittedRecords.count(settings.bootstrapServers(), t.outcomes(),
            from(sinkCommitted, outcomesStart), outcomesEnd, MAX_READ, READ_BUDGET);
      } else {
        problems.add("the outcomes topic " + t.outcomes() + " does not exist; `topics` creates it");
      }

      CommittedRecords.Count dead = null;
      if (existing.contains(t.deadLetters())) {
        dead = CommittedRecords.count(settings.bootstrapServers(), t.deadLetters(), kafka.start(t.deadLetters()),
            kafka.end(t.deadLetters()), MAX_READ, READ_BUDGET);
      } else {
        problems.add("the dead-letter topic " + t.deadLetters() + " does not exist; `topics` creates it");
      }

      List<Row> rows = new ArrayList<>();
      for (Map.Entry<Integer, Long> e : eventsEnd.entrySet()) {
        int p = e.getKey();
        long end = e.getValue();
        Long readModel = applied.containsKey(p) ? applied.get(p) + 1 : null;
        rows.add(new Row(p, end, decided.get(p), decideLag.byPartition().get(p), readModel,
            readModel == null ? null : Math.max(0, end - readModel),
            outcomesEnd == null ? null : outcomesEnd.get(p), sinkCommitted.get(p),
            sinkLag == null ? null : sinkLag.byPartition().get(p),
            dead == null ? null : dead.byPartition().get(p)));
      }
      if (dead != null && dead.byPartition().size() > eventsEnd.size()) {
        notes.add("the dead-letter topic has more partitions than the events topic; the total counts them all");
      }
      Row totals = new Row(-1, sum(rows, r -> r.logEnd()), sum(rows, Row::decided), sum(rows, Row::decideLag),
          sum(rows, Row::readModel), sum(rows, Row::readModelGap), sum(rows, Row::outcomesEnd),
          sum(rows, Row::sinkCommitted), sum(rows, Row::sinkLag), dead == null ? null : dead.total());
      return new StatusReport(t, state.isPresent(), version, projections, decider, deciderApp, handoffFrom, serving,
          servedSchema, sinkGroup, rows, totals, decideLag.exact(), sinkLag == null || sinkLag.exact(),
          dead == null || dead.exact(), dead == null ? null : dead.total(), notes, problems);
    }
  }

  private DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(settings.jdbcUrl());
    ds.setUser(settings.jdbcUser());
    ds.setPassword(settings.jdbcPassword());
    ds.setConnectTimeout(5);
    ds.setLoginTimeout(5);
    ds.setSocketTimeout(30);
    ds.setApplicationName("stocklog-operator");
    return ds;
  }

  /** {@code applied_offset} by events partition of the read model in {@code schema}. */
  private static Map<Integer, Long> applied(DataSource db, String schema) {
    Map<Integer, Long> m = new TreeMap<>();
    for (PartitionPosition p : new ReadModelQueries(db, schema).appliedPositions()) {
      m.put(p.partition(), p.appliedOffset());
    }
    return m;
  }

  private static Map<Integer, Long> from(Map<Integer, Long> committed, Map<Integer, Long> start) {
    Map<Integer, Long> from = new TreeMap<>(start);
    committed.forEach((p, o) -> from.merge(p, o, Math::max));
    return from;
  }

  private static Long sum(List<Row> rows, Function<Row, Long> column) {
    Long total = null;
    for (Row r : rows) {
      Long v = column.apply(r);
      if (v != null) {
        total = (total == null ? 0 : total) + v;
      }
    }
    return total;
  }
}
