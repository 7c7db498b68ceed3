package io.stocklog.bench;

import io.stocklog.infra.PostgresEndpoint;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.InvariantChecker;
import io.stocklog.verify.InvariantReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After one of this system's contenders has run on the local stack: are the invariants intact (no SKU oversold or negative, reserved the sum of the live holds, the read model a fold of the log)? The read
 * model against a replay of the log, its counters, and reserved against the held reservations
 * ({@link InvariantChecker}). Reported, never failing the run: the timings stand on their own.
 */
final class StackInvariants {

  private static final Logger log = LoggerFactory.getLogger(StackInvariants.class);

  private StackInvariants() {}

  /** Checks, logs the outcome (every violation listed up to 50) and returns a short note for the report. */
  static String check(String workload, String contender, String bootstrapServers, TopicSettings topics,
      PostgresEndpoint database) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password() == null ? "" : database.password());
    try {
      awaitQuietReadModel(dataSource);
      long started = System.nanoTime();
      InvariantReport report = InvariantChecker.check(bootstrapServers, topics, dataSource, "public", List.of());
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (report.ok()) {
        log.info("{} / {}: invariants hold ({} ms): {}", workload, contender, millis, report.summary());
        return "invariants hold";
      }
      log.warn("{} / {}: INVARIANTS VIOLATED ({} ms): {}", workload, contender, millis, report.summary());
      return report.violations().size() + " invariant violations (see the log)";
    } catch (RuntimeException e) {
      log.warn("{} / {}: invariants not checked: {}", workload, contender, e.toString());
      return "invariants not checked: " + e.getMessage();
    }
  }

  /**
   * Gives the sink up to 30 s to apply what the projector decided: the check compares the read model as of its
   * own positions, so it need not be current, only settled (no batch half-way through an event's outcomes).
   */
  private static void awaitQuietReadModel(PGSimpleDataSource dataSource) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Map<Integer, Long> before = applied(dataSource);
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Map<Integer, Long> now = applied(dataSource);
      if (now.equals(before)) {
        return;
      }
      before = now;
    }
  }

  private static Map<Integer, Long> applied(PGSimpleDataSource dataSource) {
    Map<Integer, Long> applied = new TreeMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select events_partition, applied_offset from applied_position");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read applied_position: " + e.getMessage(), e);
    }
    return applied;
  }
}
