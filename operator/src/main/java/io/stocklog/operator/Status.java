package io.stocklog.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ProjectionCatalog.State;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.topics.TopicSettings;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What {@code status} shows: per partition of the events topic, how far the log, the deciding projector,
 * the served read model and its sink are, the lag of each, and the dead letters; and the projection catalog.
 *
 * <p>Where each number comes from:
 * <ul>
 *   <li>log end: the events topic's end offset;
 *   <li>decided: the committed offset of the deciding projection's Streams application (its consumer group);
 *       its lag counts the events after it (with {@code read_committed}, see {@link CommittedRecords});
 *   <li>read model: {@code applied_offset + 1} of the served projection's schema. Only events that produced
 *       an outcome advance it (ticks, dead letters and some duplicates do not), so {@code log end - read model}
 *       is an upper bound of how far the read model is behind, not a lag;
 *   <li>sink: the served projection's sink group's committed offset on the outcomes topic, and its lag: the
 *       committed outcomes after it, which is exact (outcomes partition n holds the outcomes of events
 *       partition n);
 *   <li>dead letters: the committed records of the dead-letter topic, by partition (a dead letter is written to
 *       the partition number of the event it stands for).
 * </ul>
 * Nothing here needs Postgres but the catalog and the read model's position: without a database, or a
 * catalog yet, the Kafka numbers are shown for the projector application and sink group of the environment.
 */
final class Status {

  /** Ranges longer than this many offsets are not read to count them; their distance stands in. */
  static final long MAX_READ = 20_000;
  static final Duration READ_BUDGET = Duration.ofSeconds(10);

  /** One events partition; a null number is one that does not exist (never committed, no table, no topic). */
  record Row(int partition, long logEnd, Long decided, Long decideLag, Long readModel, Long readModelGap,
      Long outcomesEnd, Long sinkCommitted, Long sinkLag, Long deadLetters) {}

  /** One projection of the catalog with its roles. */
  record ProjectionRow(Projection projection, boolean serving, boolean deciding, boolean previous,
      boolean handoffFrom) {

    String roles() {
      List<String> roles = new ArrayList<>();
      if (serving) {
        roles.add("serving");
      }
      if (deciding) {
        roles.add("deciding");
      }
      if (handoffFrom) {
        roles.add("handing over");
      }
      if (previous) {
        roles.add("previous");
      }
      return String.join(", ", roles);
    }
  }

  /** Everything {@code status} prints; {@link #problems} non-empty makes it exit 1. */
  record Report(TopicSettings topics, boolean catalogExists, Long catalogVersion, List<ProjectionRow> projections,
      String decider, String deciderApplicationId, String handoffFrom, String serving, String servedSchema,
      String sinkGroup, List<Row> rows, Row totals, boolean decideLagExact, boolean sinkLagExact,
      boolean deadLettersExact, Long deadLetters, List<String> notes, List<String> problems) {}

  private final OperatorSettings settings;
  private final String envApplicationId;
  private final String envSinkGroup;

  /**
   * @param envApplicationId the projector application to look at when there is no catalog to say
   * @param envSinkGroup the sink group to look at when there is no catalog to say
   */
  Status(OperatorSettings settings, String envApplicationId, String envSinkGroup) {
    this.settings = settings;
    this.envApplicationId = envApplicationId;
    this.envSinkGroup = envSinkGroup;
  }

  Report gather() {
    TopicSettings t = settings.topics();
    List<String> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();

    // The catalog first: it says which application and which schema to look at.
    Optional<State> state = Optional.empty();
    DataSource db = dataSource();
    boolean catalogRead = false;
    try {
      // ProjectionCatalog.read() answers a database without the catalog with an exception (it changes the
      // isolation level inside the transaction of its own existence check), so look first.
      state = catalogExists(db) ? new ProjectionCatalog(db).read() : Optional.empty();
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
      Set<String> existing = KafkaOffsets.get(admin.listTopics().names());
      if (!existing.contains(t.events())) {
        problems.add("the events topic " + t.events() + " does not exist; `topics` creates it");
        return new Report(t, state.isPresent(), version, projections, decider, deciderApp, handoffFrom, serving,
            servedSchema, sinkGroup, List.of(), null, true, true, true, null, notes, problems);
      }
      Map<Integer, Long> eventsStart = offsets(admin, t.events(), OffsetSpec.earliest());
      Map<Integer, Long> eventsEnd = offsets(admin, t.events(), OffsetSpec.latest());
      Map<Integer, Long> decided = deciderApp == null ? Map.of() : committed(admin, deciderApp, t.events());
      CommittedRecords.Count decideLag = CommittedRecords.count(settings.bootstrapServers(), t.events(),
          from(decided, eventsStart), eventsEnd, MAX_READ, READ_BUDGET);

      Map<Integer, Long> applied = Map.of();
      if (servedSchema != null) {
        try {
          applied = applied(db, servedSchema);
        } catch (SQLException e) {
          notes.add("no read model position in schema " + servedSchema + " (" + e.getMessage().lines().findFirst()
              .orElse("") + ")");
        }
      }

      Map<Integer, Long> outcomesEnd = null;
      Map<Integer, Long> sinkCommitted = Map.of();
      CommittedRecords.Count sinkLag = null;
      if (existing.contains(t.outcomes())) {
        Map<Integer, Long> outcomesStart = offsets(admin, t.outcomes(), OffsetSpec.earliest());
        outcomesEnd = offsets(admin, t.outcomes(), OffsetSpec.latest());
        sinkCommitted = committed(admin, sinkGroup, t.outcomes());
        sinkLag = CommittedRecords.count(settings.bootstrapServers(), t.outcomes(),
            from(sinkCommitted, outcomesStart), outcomesEnd, MAX_READ, READ_BUDGET);
      } else {
        problems.add("the outcomes topic " + t.outcomes() + " does not exist; `topics` creates it");
      }

      CommittedRecords.Count dead = null;
      if (existing.contains(t.deadLetters())) {
        dead = CommittedRecords.count(settings.bootstrapServers(), t.deadLetters(),
            offsets(admin, t.deadLetters(), OffsetSpec.earliest()),
            offsets(admin, t.deadLetters(), OffsetSpec.latest()), MAX_READ, READ_BUDGET);
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
      Row totals = new Row(-1, sum(rows, r -> r.logEnd), sum(rows, Row::decided), sum(rows, Row::decideLag),
          sum(rows, Row::readModel), sum(rows, Row::readModelGap), sum(rows, Row::outcomesEnd),
          sum(rows, Row::sinkCommitted), sum(rows, Row::sinkLag), dead == null ? null : dead.total());
      return new Report(t, state.isPresent(), version, projections, decider, deciderApp, handoffFrom, serving,
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

  private static boolean catalogExists(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
         PreparedStatement s = c.prepareStatement(
             "select to_regclass('" + ProjectionCatalog.SCHEMA + ".control') is not null");
         ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
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

  static Map<Integer, Long> offsets(Admin admin, String topic, OffsetSpec spec) {
    int n = KafkaOffsets.get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    for (int p = 0; p < n; p++) {
      request.put(new TopicPartition(topic, p), spec);
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        KafkaOffsets.get(admin.listOffsets(request).all());
    Map<Integer, Long> offsets = new TreeMap<>();
    result.forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
    return offsets;
  }

  /** The offsets {@code group} committed in {@code topic}; a partition it never committed is absent. */
  static Map<Integer, Long> committed(Admin admin, String group, String topic) {
    Map<TopicPartition, OffsetAndMetadata> all =
        KafkaOffsets.get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<Integer, Long> offsets = new TreeMap<>();
    all.forEach((tp, om) -> {
      if (om != null && tp.topic().equals(topic)) {
        offsets.put(tp.partition(), om.offset());
      }
    });
    return offsets;
  }

  /** {@code applied_offset} by events partition of the read model in {@code schema}. */
  private static Map<Integer, Long> applied(DataSource db, String schema) throws SQLException {
    Map<Integer, Long> m = new TreeMap<>();
    // The schema name matched [a-z_][a-z0-9_]{0,62} when the catalog recorded it; identifiers cannot be bound.
    try (Connection c = db.getConnection();
         PreparedStatement s = c.prepareStatement(
             "select events_partition, applied_offset from \"" + schema + "\".applied_position");
         ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        m.put(rs.getInt(1), rs.getLong(2));
      }
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------- rendering

  static void printHuman(Report r, PrintStream out) {
    TopicSettings t = r.topics();
    out.printf("events %s, outcomes %s, dead letters %s%n", t.events(), t.outcomes(), t.deadLetters());
    out.println();
    if (r.catalogExists()) {
      out.printf("projections (catalog %s.projection, version %d):%n", ProjectionCatalog.SCHEMA, r.catalogVersion());
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"NAME", "STATUS", "SCHEMA", "APPLICATION ID", "SINK GROUP", "CREATED", "ROLE"});
      for (ProjectionRow p : r.projections()) {
        Projection x = p.projection();
        lines.add(new String[] {x.name(), x.phase().name(), x.schema(), x.applicationId(), x.sinkGroup(),
            x.createdAt() == null ? "-" : x.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
            p.roles()});
      }
      table(out, "  ", lines);
      if (r.decider() != null) {
        out.printf("deciding: %s (application %s)%n", r.decider(), r.deciderApplicationId());
      } else {
        out.printf("deciding: nobody, a handoff from %s is under way%n", r.handoffFrom());
      }
      out.printf("serving:  %s (schema %s, sink group %s)%n", r.serving(), r.servedSchema(), r.sinkGroup());
    } else {
      out.printf("projections: no catalog; projector application %s, sink group %s%n", r.deciderApplicationId(),
          r.sinkGroup());
    }
    if (!r.rows().isEmpty()) {
      out.println();
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"PARTITION", "LOG END", "DECIDED", "DECIDE LAG", "READ MODEL", "GAP<=", "OUTCOMES END",
          "SINK", "SINK LAG", "DEAD LETTERS"});
      for (Row row : r.rows()) {
        lines.add(cells(Integer.toString(row.partition()), row, r));
      }
      lines.add(cells("all", r.totals(), r));
      table(out, "", lines);
      out.println();
      out.println("LOG END: the events topic's end offset. DECIDED: the deciding projector's committed offset;"
          + " DECIDE LAG: events after it.");
      out.println("READ MODEL: applied_offset + 1 of the served read model. It moves only on events that produced"
          + " outcomes (not on ticks or dead letters), so GAP<= (LOG END - READ MODEL) bounds the staleness from"
          + " above; SINK LAG is exact.");
      out.println("SINK: the served sink group's committed offset on the outcomes topic; SINK LAG: committed"
          + " outcomes after it, not yet in the read model.");
      if (!r.decideLagExact() || !r.sinkLagExact() || !r.deadLettersExact()) {
        out.println("~: too many records to count; the offset distance is shown, which also counts transaction"
            + " markers and aborted records.");
      }
    }
    if (r.deadLetters() != null) {
      out.printf("dead letters: %s%s in %s%s%n", r.deadLettersExact() ? "" : "~", r.deadLetters(), t.deadLetters(),
          r.deadLetters() > 0 ? " (`dlq list` shows them)" : "");
    }
    for (String note : r.notes()) {
      out.println("note: " + note);
    }
    for (String problem : r.problems()) {
      out.println("problem: " + problem);
    }
  }

  private static String[] cells(String label, Row row, Report r) {
    return new String[] {label, Long.toString(row.logEnd()), n(row.decided(), true),
        n(row.decideLag(), r.decideLagExact()), n(row.readModel(), true), n(row.readModelGap(), true),
        n(row.outcomesEnd(), true), n(row.sinkCommitted(), true), n(row.sinkLag(), r.sinkLagExact()),
        n(row.deadLetters(), r.deadLettersExact())};
  }

  private static String n(Long v, boolean exact) {
    return v == null ? "-" : (exact ? "" : "~") + v;
  }

  private static void table(PrintStream out, String indent, List<String[]> lines) {
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (String[] line : lines) {
      StringBuilder b = new StringBuilder(indent);
      for (int i = 0; i < line.length; i++) {
        b.append(line[i]);
        if (i < line.length - 1) {
          b.append(" ".repeat(widths[i] - line[i].length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
  }

  static void printJson(Report r, PrintStream out) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode topics = root.putObject("topics");
    topics.put("events", r.topics().events());
    topics.put("outcomes", r.topics().outcomes());
    topics.put("deadLetters", r.topics().deadLetters());
    ObjectNode catalog = root.putObject("catalog");
    catalog.put("exists", r.catalogExists());
    if (r.catalogExists()) {
      catalog.put("version", r.catalogVersion());
      catalog.put("serving", r.serving());
      catalog.put("deciding", r.decider());
      catalog.put("handoffFrom", r.handoffFrom());
      ArrayNode list = catalog.putArray("projections");
      for (ProjectionRow p : r.projections()) {
        Projection x = p.projection();
        ObjectNode o = list.addObject();
        o.put("name", x.name());
        o.put("status", x.phase().name());
        o.put("schema", x.schema());
        o.put("applicationId", x.applicationId());
        o.put("sinkGroup", x.sinkGroup());
        o.put("privateTopic", x.privateTopic());
        o.put("createdAt", x.createdAt() == null ? null : x.createdAt().toString());
        o.put("serving", p.serving());
        o.put("deciding", p.deciding());
        o.put("previous", p.previous());
        o.put("handoffFrom", p.handoffFrom());
      }
    }
    root.put("applicationId", r.deciderApplicationId());
    root.put("servedSchema", r.servedSchema());
    root.put("sinkGroup", r.sinkGroup());
    ArrayNode rows = root.putArray("partitions");
    for (Row row : r.rows()) {
      ObjectNode o = rows.addObject();
      o.put("partition", row.partition());
      row(o, row);
    }
    if (r.totals() != null) {
      row(root.putObject("totals"), r.totals());
    }
    ObjectNode exact = root.putObject("exact");
    exact.put("decideLag", r.decideLagExact());
    exact.put("sinkLag", r.sinkLagExact());
    exact.put("deadLetters", r.deadLettersExact());
    if (r.deadLetters() == null) {
      root.putNull("deadLetters");
    } else {
      root.put("deadLetters", r.deadLetters());
    }
    r.notes().forEach(root.putArray("notes")::add);
    r.problems().forEach(root.putArray("problems")::add);
    root.put("at", Instant.now().toString());
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode row(ObjectNode o, Row row) {
    o.put("logEnd", row.logEnd());
    o.put("decided", row.decided());
    o.put("decideLag", row.decideLag());
    o.put("readModel", row.readModel());
    o.put("readModelGap", row.readModelGap());
    o.put("outcomesEnd", row.outcomesEnd());
    o.put("sinkCommitted", row.sinkCommitted());
    o.put("sinkLag", row.sinkLag());
    o.put("deadLetters", row.deadLetters());
    return o;
  }
}
