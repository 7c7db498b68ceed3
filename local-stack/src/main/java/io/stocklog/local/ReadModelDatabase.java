package io.stocklog.local;

import io.stocklog.infra.PostgresEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local stack's read-model database on a Postgres server: either a scratch one (created afresh, dropped
 * at close: tests and benchmarks) or the kept one of a data directory, which outlives the stack.
 *
 * <p>A kept database carries its stack's identity as its comment ({@code COMMENT ON DATABASE}), as the data
 * directory does in {@code stack.properties}. A read model is the fold of one log, so the two must be of one
 * history: a new data directory with an existing database, a data directory whose database is gone, or a
 * database of another stack is refused with what to do, never silently served. Only the explicit start-empty
 * choice drops a kept database.
 *
 * <p>Names are checked against {@code [a-z][a-z0-9_]*} before they go into DDL, the only SQL built from text.
 */
final class ReadModelDatabase {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private ReadModelDatabase() {}

  /** Drops {@code name} if it exists and creates it empty. */
  static PostgresEndpoint scratch(PostgresEndpoint server, String name) {
    checkName(name);
    try (Connection c = connect(server); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the read model database " + name + " on "
          + server.jdbcUrl() + ": " + e.getMessage(), e);
    }
    return server.withDatabase(name);
  }

  static void drop(PostgresEndpoint server, String name) throws SQLException {
    checkName(name);
    try (Connection c = connect(server); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /**
   * The kept database {@code name} of {@code data}: created with the data directory's new identity when both are
   * new, reused when both carry the same identity, refused otherwise.
   *
   * @throws IllegalStateException naming the database, the server, the data directory and the way out
   */
  static PostgresEndpoint kept(PostgresEndpoint server, String name, DataDirectory data) {
    checkName(name);
    try (Connection c = connect(server)) {
      Optional<String> comment = comment(c, name);
      Optional<DataDirectory.Identity> identity = data.identity();
      String where = "database " + name + " on " + server.jdbcUrl();
      if (identity.isEmpty()) {
        if (data.holdsLog()) {
          throw new IllegalStateException("the data directory " + data.root() + " holds a Kafka log but no "
              + DataDirectory.IDENTITY + " naming its read model (a first start that failed half way?). Start "
              + "with --fresh to start empty.");
        }
        if (comment.isPresent()) {
          throw new IllegalStateException(where + " already exists, but the data directory " + data.root()
              + " is new: the database holds the read model of another log. Start with --fresh to drop it and "
              + "start empty, or give this stack the data directory the database belongs to (STOCKLOG_DATA_DIR) "
              + "or another database (STOCKLOG_LOCAL_DATABASE).");
        }
        // The database first, the data directory's record of it last: a start that fails in between leaves a
        // database this directory does not claim, which the next start refuses by name rather than trusts.
        DataDirectory.Identity created = DataDirectory.Identity.fresh(name);
        try (Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + name);
          s.execute("COMMENT ON DATABASE " + name + " IS '" + created.comment() + "'");
        }
        data.write(created);
        return server.withDatabase(name);
      }
      DataDirectory.Identity expected = identity.get();
      if (!expected.database().equals(name)) {
        throw new IllegalStateException("the data directory " + data.root() + " belongs with database "
            + expected.database() + ", not " + name + ": set STOCKLOG_LOCAL_DATABASE=" + expected.database()
            + ", or start with --fresh to start empty");
      }
      if (comment.isEmpty()) {
        throw new IllegalStateException(where + " does not exist, but the data directory " + data.root()
            + " holds a log whose read model was there: is STOCKLOG_JDBC_URL the server it was on? Start with "
            + "--fresh to start empty (the log in the data directory is deleted too).");
      }
      if (!comment.get().equals(expected.comment())) {
        throw new IllegalStateException(where + " belongs to another stack than the data directory "
            + data.root() + " (its comment says '" + comment.get() + "', not '" + expected.comment() + "'). "
            + "Start with --fresh to drop it and start empty, or use another database (STOCKLOG_LOCAL_DATABASE).");
      }
      return server.withDatabase(name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the read model database " + name + " on " + server.jdbcUrl()
          + ": " + e.getMessage(), e);
    }
  }

  /** The database's comment ("" when it has none), or empty when there is no such database. */
  private static Optional<String> comment(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  private static Connection connect(PostgresEndpoint server) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("database must be 1 to 63 of [a-z0-9_], starting with a letter (was '"
          + name + "')");
    }
  }
}
