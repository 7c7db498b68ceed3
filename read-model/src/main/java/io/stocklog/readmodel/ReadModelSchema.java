package io.stocklog.readmodel;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The read model's tables, created and evolved by the Flyway migrations in {@code db/migration}, and dropped
 * with the projection that owns them. The schema is a parameter so a rebuild can fill a shadow schema from
 * the log and swap it in; the sink and the queries use unqualified names, so point their connections at it
 * ({@code currentSchema=} in the JDBC URL).
 */
public final class ReadModelSchema {

  public static final String DEFAULT_SCHEMA = "public";

  /**
   * What the migrations put in {@value #DEFAULT_SCHEMA}, which is shared with whatever else lives in the
   * database and so is never dropped itself. A migration that creates a table adds it here
   * ({@code ReadModelSchemaTest} fails until it does).
   */
  private static final String DROP_DEFAULT_SCHEMA_TABLES = """
      drop table if exists public.sku_stock, public.reservation, public.orders, public.applied_position,
        public.flyway_schema_history""";

  /** A schema of its own (a rebuild's) goes whole. {@code %s}: the schema, checked by {@link #requireName}. */
  private static final String DROP_SCHEMA = """
      drop schema if exists "%s" cascade""";

  private ReadModelSchema() {}

  /** Migrates {@value #DEFAULT_SCHEMA}; see {@link #migrate(DataSource, String)}. */
  public static MigrateResult migrate(DataSource dataSource) {
    return migrate(dataSource, DEFAULT_SCHEMA);
  }

  /**
   * Brings {@code schema} (created if missing) up to the latest migration. Safe to call from several
   * processes at once: Flyway serialises them with a Postgres advisory lock.
   */
  public static MigrateResult migrate(DataSource dataSource, String schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    requireName(schema);
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /**
   * Deletes the read model in {@code schema} and its migration history: the whole schema, except for
   * {@value #DEFAULT_SCHEMA}, of which only the read model's tables go. Does nothing where there is nothing.
   */
  public static void drop(DataSource dataSource, String schema) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    requireName(schema);
    // An identifier cannot be a bound parameter; requireName let only [a-z_][a-z0-9_]* through.
    String sql = schema.equals(DEFAULT_SCHEMA) ? DROP_DEFAULT_SCHEMA_TABLES : DROP_SCHEMA.formatted(schema);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void requireName(String schema) {
    if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_], not starting with a digit (was "
          + schema + ")");
    }
  }
}
