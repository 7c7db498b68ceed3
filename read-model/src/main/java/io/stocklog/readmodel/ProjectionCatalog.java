package io.stocklog.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.stocklog.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The projection catalog in Postgres schema {@value #SCHEMA}: every projection (a projector application
 * and the read model it fills), which one the query service serves, and which one decides.
 *
 * <p>Changing what is served or who decides is one UPDATE of the single {@code control} row, so every
 * reader sees either the old pointer or the new one. Services poll it ({@link #read}); the operator CLI
 * writes it. Every write checks the row's version it was based on, so two operators cannot interleave
 * a switch.
 */
public final class ProjectionCatalog {

  public static final String SCHEMA = "stocklog";
  /** The name of the projection a fresh deployment starts with. */
  public static final String INITIAL = "main";
  private static final TypeReference<TreeMap<Integer, Long>> OFFSETS = new TypeReference<>() {};

  /**
   * Where a projection is in its life. BUILDING: a rebuild is filling it. CATCHING_UP: the projector services run
   * its projector as a follower (folding the log, publishing to its private topic) so its state is built where it
   * will decide. READY: they have closed the follower and prepared a decider of it, paused, for the handoff.
   * ACTIVE: the projector services keep its read model current. WARMING and WARM: an ACTIVE projection a rollback
   * goes back to, its read model still kept current, while its projector is warmed as a rebuilt one's is: followed
   * (WARMING), then prepared (WARM); the handoff makes it ACTIVE again.
   */
  public enum Phase {
    BUILDING, CATCHING_UP, READY, ACTIVE, WARMING, WARM;

    /** Whether the projector services run a follower of a projection in this phase. */
    public boolean followed() {
      return this == CATCHING_UP || this == WARMING;
    }

    /** Whether the projector services prepare a decider of a projection in this phase. */
    public boolean prepared() {
      return this == READY || this == WARM;
    }

    /** Whether its read model is complete and the projector services keep it current. */
    public boolean keptCurrent() {
      return this == ACTIVE || this == WARMING || this == WARM;
    }
  }

  /**
   * One projection.
   *
   * @param applicationId its projector's Kafka Streams application ID
   * @param schema the Postgres schema of its read model
   * @param sinkGroup the consumer group of the sink that keeps its read model current from the live outcomes
   * @param privateTopic where its projector writes outcomes while another projection decides
   */
  public record Projection(String name, String applicationId, String schema, String sinkGroup, String privateTopic,
      Phase phase, Instant createdAt) {

    public Projection {
      if (name == null || !name.matches("[a-z][a-z0-9_]{0,29}")) {
        throw new IllegalArgumentException("a projection name is 1 to 30 of [a-z0-9_], starting with a letter (was '"
            + name + "')");
      }
      Objects.requireNonNull(applicationId, "applicationId");
      if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_] (was '" + schema + "')");
      }
      Objects.requireNonNull(sinkGroup, "sinkGroup");
      Objects.requireNonNull(privateTopic, "privateTopic");
      Objects.requireNonNull(phase, "phase");
    }
  }

  /**
   * The control row.
   *
   * @param decider null while a handoff is under way
   * @param publishFrom per events partition, the first offset whose outcomes the decider publishes
   * @param handoffFrom while a handoff is under way, the projection that decided before it
   * @param previous what served before the last switch, or null
   */
  public record Control(String serving, String decider, Map<Integer, Long> publishFrom, String handoffFrom,
      String previous, long version) {

    public Control {
      publishFrom = Collections.unmodifiableMap(new TreeMap<>(publishFrom));
    }
  }

  /** A consistent read of the whole catalog. */
  public record State(Map<String, Projection> projections, Control control) {

    public Projection serving() {
      return projections.get(control.serving());
    }

    public Optional<Projection> decider() {
      return Optional.ofNullable(control.decider()).map(projections::get);
    }

    public Optional<Projection> projection(String name) {
      return Optional.ofNullable(projections.get(name));
    }
  }

  private final DataSource dataSource;

  public ProjectionCatalog(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Creates or evolves the catalog's tables (Flyway, history kept in {@value #SCHEMA}). */
  public void migrate() {
    Flyway.configure()
        .dataSource(dataSource)
        .schemas(SCHEMA)
        .defaultSchema(SCHEMA)
        .createSchemas(true)
        .locations("classpath:db/catalog")
        .load()
        .migrate();
  }

  /**
   * Migrates, then makes {@code initial} the serving and deciding projection if the catalog has none yet
   * (several processes may race here: one wins, all see its result).
   */
  public State bootstrap(Projection initial) throws SQLException {
    migrate();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("lock table stocklog.control in exclusive mode")) {
          lock.execute();
        }
        boolean empty;
        try (PreparedStatement s = c.prepareStatement("select count(*) from stocklog.control");
             ResultSet rs = s.executeQuery()) {
          rs.next();
          empty = rs.getLong(1) == 0;
        }
        if (empty) {
          insert(c, initial, Phase.ACTIVE);
          try (PreparedStatement s = c.prepareStatement(
              "insert into stocklog.control (serving, decider) values (?, ?)")) {
            s.setString(1, initial.name());
            s.setString(2, initial.name());
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    return read().orElseThrow(() -> new IllegalStateException("the catalog is empty after its bootstrap"));
  }

  /** The catalog, or empty when it was never created (a deployment that predates it). */
  public Optional<State> read() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        if (!exists(c)) {
          c.rollback();
          return Optional.empty();
        }
        Map<String, Projection> projections = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
            select name, application_id, schema_name, sink_group, private_topic, status, created_at
              from stocklog.projection order by created_at, name""");
             ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            Projection p = new Projection(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), Phase.valueOf(rs.getString(6)), rs.getTimestamp(7).toInstant());
            projections.put(p.name(), p);
          }
        }
        Control control = null;
        try (PreparedStatement s = c.prepareStatement(
            "select serving, decider, publish_from::text, handoff_from, previous, version from stocklog.control");
             ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            control = new Control(rs.getString(1), rs.getString(2), offsets(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getLong(6));
          }
        }
        c.commit();
        return control == null ? Optional.empty()
            : Optional.of(new State(Collections.unmodifiableMap(projections), control));
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
    }
  }

  /** The schema the query service should read, or {@code fallback} when there is no catalog. */
  public String servingSchema(String fallback) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!exists(c)) {
        return fallback;
      }
      try (PreparedStatement s = c.prepareStatement("""
          select p.schema_name from stocklog.control c join stocklog.projection p on p.name = c.serving""");
           ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : fallback;
      }
    }
  }

  /** Records a new projection as BUILDING. */
  public void add(Projection projection) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      insert(c, projection, Phase.BUILDING);
    }
  }

  /**
   * Moves projection {@code name} from phase {@code from} to {@code to} (a rebuild's steps before its handoff).
   *
   * @throws ConcurrentModificationException if it is not in phase {@code from} (another operator moved it, or
   *     dropped it)
   */
  public void setPhase(String name, Phase from, Phase to) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("update stocklog.projection set status = ? where name = ? and status = ?")) {
      s.setString(1, to.name());
      s.setString(2, name);
      s.setString(3, from.name());
      if (s.executeUpdate() != 1) {
        throw new ConcurrentModificationException("projection " + name + " is not " + from + " (another operator "
            + "changed or dropped it); look at `status`");
      }
    }
  }

  /** Stops the current decider: the projector services stop running it. Fails if the catalog moved on. */
  public void beginHandoff(long expectedVersion) throws SQLException {
    update(expectedVersion, "handoff_from = decider, decider = null", s -> {});
  }

  /** Undoes {@link #beginHandoff}: the projection that decided before decides again, as it did. */
  public void abortHandoff(long expectedVersion) throws SQLException {
    update(expectedVersion, "decider = handoff_from, handoff_from = null", s -> {});
  }

  /**
   * Makes {@code decider} the deciding projection, publishing from {@code publishFrom}, and marks it ACTIVE
   * so its read model is kept current.
   */
  public void completeHandoff(long expectedVersion, String decider, Map<Integer, Long> publishFrom)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        updateIn(c, expectedVersion, "decider = ?, publish_from = ?::jsonb, handoff_from = null", s -> {
          s.setString(1, decider);
          s.setString(2, json(publishFrom));
        });
        try (PreparedStatement s = c.prepareStatement(
            "update stocklog.projection set status = 'ACTIVE' where name = ?")) {
          s.setString(1, decider);
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Serves {@code name} from now on; what served before becomes {@link Control#previous()}. */
  public void serve(long expectedVersion, String name) throws SQLException {
    update(expectedVersion, "previous = serving, serving = ?", s -> s.setString(1, name));
  }

  /** Forgets a projection; refuses the one served or deciding. */
  public void remove(long expectedVersion, String name) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        updateIn(c, expectedVersion, "previous = case when previous = ? then null else previous end",
            s -> s.setString(1, name));
        try (PreparedStatement s = c.prepareStatement("""
            delete from stocklog.projection p
             where p.name = ?
               and not exists (select 1 from stocklog.control c
                                where p.name in (c.serving, c.decider, c.handoff_from))""")) {
          s.setString(1, name);
          if (s.executeUpdate() != 1) {
            throw new IllegalStateException("projection " + name + " is served or deciding, or does not exist");
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private void update(long expectedVersion, String set, Binder binder) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      updateIn(c, expectedVersion, set, binder);
    }
  }

  private static void updateIn(Connection c, long expectedVersion, String set, Binder binder) throws SQLException {
    // set is one of this class's constants; every value is bound.
    String sql = "update stocklog.control set " + set
        + ", version = version + 1, updated_at = clock_timestamp() where version = ?";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      s.setLong(s.getParameterMetaData().getParameterCount(), expectedVersion);
      if (s.executeUpdate() != 1) {
        throw new ConcurrentModificationException("the projection catalog changed under this operation (expected "
            + "version " + expectedVersion + "); look at `status` and try again");
      }
    }
  }

  /** Another operator (or process) changed the catalog first. */
  public static final class ConcurrentModificationException extends IllegalStateException {
    public ConcurrentModificationException(String message) {
      super(message);
    }
  }

  private static void insert(Connection c, Projection p, Phase phase) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("""
        insert into stocklog.projection (name, application_id, schema_name, sink_group, private_topic, status)
        values (?, ?, ?, ?, ?, ?)""")) {
      s.setString(1, p.name());
      s.setString(2, p.applicationId());
      s.setString(3, p.schema());
      s.setString(4, p.sinkGroup());
      s.setString(5, p.privateTopic());
      s.setString(6, phase.name());
      s.executeUpdate();
    }
  }

  private static boolean exists(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("select to_regclass('stocklog.control') is not null");
         ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static Map<Integer, Long> offsets(String json) {
    try {
      return Json.MAPPER.readValue(json, OFFSETS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stocklog.control.publish_from is not a JSON object of offsets: " + json, e);
    }
  }

  private static String json(Map<Integer, Long> offsets) {
    try {
      return Json.MAPPER.writeValueAsString(new TreeMap<>(offsets));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
