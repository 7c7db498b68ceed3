package io.stocklog.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.infra.Postgres;
import io.stocklog.infra.PostgresEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The baselines' own database, {@value #NAME}, on the Postgres the local stack uses: a stock row per SKU
 * (available units, an OCC version, the last fencing token) and an order row per held reservation. It is
 * scratch space for the benchmark, recreated on every run, so its tables are made here rather than by a
 * migration.
 */
final class BenchDatabase {

  static final String NAME = "stocklog_bench";

  private static final String SCHEMA = """
      DROP TABLE IF EXISTS bench_stock, bench_orders;
      CREATE TABLE bench_stock (
        sku text PRIMARY KEY, available bigint NOT NULL, version bigint NOT NULL DEFAULT 0,
        fence bigint NOT NULL DEFAULT 0);
      CREATE TABLE bench_orders (
        order_id text PRIMARY KEY, sku text NOT NULL, quantity int NOT NULL, status text NOT NULL);
      """;
  private static final String INSERT_STOCK = "INSERT INTO bench_stock (sku, available) VALUES (?, ?)";

  private final PostgresEndpoint endpoint;

  private BenchDatabase(PostgresEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Finds Postgres as the local stack does and creates {@value #NAME} afresh. */
  static BenchDatabase create() throws SQLException {
    PostgresEndpoint server;
    try (Postgres postgres = Postgres.locate()) {
      server = postgres.endpoint();
    }
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
         Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + NAME);
    }
    return new BenchDatabase(server.withDatabase(NAME));
  }

  PostgresEndpoint endpoint() {
    return endpoint;
  }

  HikariDataSource pool(String name, int size) {
    return pool(name, size, "");
  }

  /**
   * A pool of {@code size} connections, none auto-committing.
   *
   * @param sessionOptions server settings for every connection, in libpq's {@code options} form (e.g.
   *     {@code "-c synchronous_commit=off"}): set as each session starts, so no transaction can undo them; empty for
   *     the server's defaults
   */
  HikariDataSource pool(String name, int size, String sessionOptions) {
    HikariConfig c = new HikariConfig();
    if (!sessionOptions.isEmpty()) {
      c.addDataSourceProperty("options", sessionOptions);
    }
    c.setJdbcUrl(endpoint.jdbcUrl());
    c.setUsername(endpoint.user());
    c.setPassword(endpoint.password());
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(size);
    c.setAutoCommit(false);
    return new HikariDataSource(c);
  }

  /** Empty tables with {@code stock} loaded. */
  void reset(HikariDataSource pool, Map<String, Long> stock) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(SCHEMA);
      }
      try (PreparedStatement p = c.prepareStatement(INSERT_STOCK)) {
        for (var e : stock.entrySet()) {
          p.setString(1, e.getKey());
          p.setLong(2, e.getValue());
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
    }
  }

  /** How durable a commit on one of {@code pool}'s connections is, from the settings that session sees. */
  static Durability durability(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      String[] settings = new String[3];
      String[] names = {"fsync", "synchronous_commit", "synchronous_standby_names"};
      for (int i = 0; i < names.length; i++) {
        try (ResultSet r = s.executeQuery("SHOW " + names[i])) {
          r.next();
          settings[i] = r.getString(1);
        }
      }
      c.rollback();
      return Durability.ofPostgres(settings[0], settings[1], settings[2]);
    }
  }

  static Map<String, Long> remaining(HikariDataSource pool) throws SQLException {
    Map<String, Long> left = new HashMap<>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT sku, available FROM bench_stock")) {
      while (r.next()) {
        left.put(r.getString(1), r.getLong(2));
      }
      c.commit();
    }
    return left;
  }
}
