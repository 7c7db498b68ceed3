package io.stocklog.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.infra.Postgres;
import io.stocklog.infra.PostgresEndpoint;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.OutcomeRows;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.readmodel.ReadModelWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A rebuild's bulk write alone: {@link ReadModelWriter#copyInto} of 20,000 SKU rows and 500,000 reservation rows
 * (folded from a million outcomes by {@link OutcomeRows}, as a rebuild's fold does: a receipt per SKU, then a hold
 * per reservation and its end, 60% confirmed, 30% cancelled, 10% extended) into a freshly migrated schema, on the
 * Postgres the local stack uses, in a database of its own ({@value #DATABASE}, recreated). One warm-up, then three
 * timed runs, each into a new schema that is dropped afterwards. A measurement, printed; it asserts nothing.
 *
 * <pre>mvn -B -q -pl bench exec:java -Dexec.mainClass=io.stocklog.bench.CopyBench</pre>
 */
public final class CopyBench {

  static final String DATABASE = "stocklog_copybench";
  private static final int SKUS = 20_000;
  private static final int RESERVATIONS = 500_000;
  private static final int PARTITIONS = 4;
  private static final int RUNS = 3;
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  private CopyBench() {}

  public static void main(String[] args) throws SQLException {
    OutcomeRows rows = rows();
    PostgresEndpoint server;
    try (Postgres postgres = Postgres.locate()) {
      server = postgres.endpoint();
    }
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
         Statement s = c.createStatement()) {
      s.execute("drop database if exists " + DATABASE + " with (force)");
      s.execute("create database " + DATABASE);
    }
    PostgresEndpoint db = server.withDatabase(DATABASE);
    List<Double> seconds = new ArrayList<>();
    for (int run = 0; run <= RUNS; run++) {
      String schema = "rm_copy_" + run;
      try (HikariDataSource pool = pool(db, schema)) {
        ReadModelSchema.drop(pool, schema);
        ReadModelSchema.migrate(pool, schema);
        checkpoint(pool);
        long start = System.nanoTime();
        new ReadModelWriter(pool).copyInto(rows);
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %,d SKU + %,d reservation rows in %.2f s (%,.0f rows/s)%n",
            run == 0 ? "warm-up" : "run " + run, rows.stockRows(), rows.reservationRows(), s,
            (rows.stockRows() + rows.reservationRows()) / s);
        if (run > 0) {
          seconds.add(s);
        }
        ReadModelSchema.drop(pool, schema);
      }
    }
    seconds.sort(null);
    System.out.printf(Locale.ROOT, "copyInto: median %.2f s (min %.2f, max %.2f) for %,d rows%n",
        seconds.get(seconds.size() / 2), seconds.getFirst(), seconds.getLast(),
        rows.stockRows() + rows.reservationRows());
  }

  /** So that one run's dirty pages are not written back during the next. */
  private static void checkpoint(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("checkpoint");
    }
  }

  private static HikariDataSource pool(PostgresEndpoint db, String schema) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(db.jdbcUrl());
    c.setUsername(db.user());
    c.setPassword(db.password());
    c.setSchema(schema);
    c.setPoolName("copy-bench");
    c.setMaximumPoolSize(4);
    return new HikariDataSource(c);
  }

  /** The outcomes a fold of such a log makes, folded into rows, spread over the partitions by SKU. */
  static OutcomeRows rows() {
    SplittableRandom random = new SplittableRandom(7);
    OutcomeRows rows = new OutcomeRows();
    long[] next = new long[PARTITIONS];
    long[] onHand = new long[SKUS];
    long[] reserved = new long[SKUS];
    for (int s = 0; s < SKUS; s++) {
      onHand[s] = 1_000_000;
      int p = s % PARTITIONS;
      long offset = next[p]++;
      rows.add(new Outcome("e-r" + s, "StockReceived", "sku-" + s, "r-" + s, Decision.RECEIVED, null, 1_000_000,
          onHand[s], 0, null, false, T0.plusMillis(offset), new Position(p, offset).token()));
    }
    for (int o = 0; o < RESERVATIONS; o++) {
      int s = random.nextInt(SKUS);
      int p = s % PARTITIONS;
      String sku = "sku-" + s;
      String order = "o-" + o;
      long qty = 1 + random.nextInt(3);
      long offset = next[p]++;
      Instant at = T0.plusMillis(offset);
      Instant deadline = at.plusSeconds(900);
      reserved[s] += qty;
      rows.add(new Outcome("e-h" + o, "ReservationRequested", sku, order, Decision.HELD, null, qty, onHand[s],
          reserved[s], deadline, false, at, new Position(p, offset).token()));
      offset = next[p]++;
      at = T0.plusMillis(offset);
      int fate = random.nextInt(10);
      Outcome end;
      if (fate < 6) {
        onHand[s] -= qty;
        reserved[s] -= qty;
        end = new Outcome("e-c" + o, "ReservationConfirmed", sku, order, Decision.CONFIRMED, null, qty, onHand[s],
            reserved[s], deadline, false, at, new Position(p, offset).token());
      } else if (fate < 9) {
        reserved[s] -= qty;
        end = new Outcome("e-x" + o, "ReservationCancelled", sku, order, Decision.CANCELLED, null, qty, onHand[s],
            reserved[s], deadline, false, at, new Position(p, offset).token());
      } else {
        end = new Outcome("e-e" + o, "ReservationExtended", sku, order, Decision.EXTENDED, null, qty, onHand[s],
            reserved[s], at.plusSeconds(600), false, at, new Position(p, offset).token());
      }
      rows.add(end);
    }
    return rows;
  }
}
