package io.stocklog.readmodel;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The read model's tables, created and evolved by the Flyway migrations in {@code db/migration}. The
 * schema is a parameter so a rebuild can fill a shadow schema from the log and swap it in; the sink and
 * the queries use unqualified names, so point their connections at it ({@code currentSchema=} in the
 * JDBC URL).
 */
public final class ReadModelSchema {

  public static final String DEFAULT_SCHEMA = "public";

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
    if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_], not starting with a digit (was "
          + schema + ")");
    }
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
