package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.local.LocalStack;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How every fault test ends: wait for the read model to converge, then check that nothing accepted was lost
 * or duplicated and nothing oversold (the report's figures), and that the invariants hold against the read
 * model and the log. Also writes the report's greppable lines.
 */
final class FaultCheck {

  private FaultCheck() {}

  /** The read model's database, directly (never through a test's proxy). */
  static DataSource readModel(LocalStack stack) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(stack.database().jdbcUrl());
    ds.setUser(stack.database().user());
    ds.setPassword(stack.database().password());
    ds.setConnectTimeout(5);
    ds.setSocketTimeout(30);
    return ds;
  }

  /**
   * Waits until the read model has applied every partition at least up to the last event accepted in it,
   * and returns how long that took; fails after {@code max}.
   */
  static long awaitConverged(DataSource readModel, Ledger ledger, Duration max) throws InterruptedException {
    Map<Integer, Long> target = ledger.lastAcceptedOffsets();
    long started = System.nanoTime();
    Map<Integer, Long> applied = Map.of();
    while (System.nanoTime() - started < max.toNanos()) {
      applied = applied(readModel);
      Map<Integer, Long> seen = applied;
      if (target.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
        return (System.nanoTime() - started) / 1_000_000;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the read model did not converge within " + max + ": applied " + applied
        + ", last accepted " + target);
  }

  private static Map<Integer, Long> applied(DataSource readModel) {
    Map<Integer, Long> applied = new TreeMap<>();
    try (var c = readModel.getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("select events_partition, applied_offset from applied_position")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      return Map.of();
    }
    return applied;
  }

  /**
   * Reads the log and the decisions back and asserts: every accepted event is in the log once and decided
   * once, no SKU oversold, the read model has applied every decision, and the invariants hold.
   */
  static LogAudit.Figures assertNothingLostDuplicatedOrOversold(LocalStack stack, Set<String> accepted)
      throws InterruptedException {
    return assertNothingLostDuplicatedOrOversold(stack.bootstrapServers(), stack.topics(), readModel(stack), accepted);
  }

  static LogAudit.Figures assertNothingLostDuplicatedOrOversold(String bootstrapServers, TopicSettings topics,
      DataSource readModel, Set<String> accepted) throws InterruptedException {
    LogAudit audit = LogAudit.read(bootstrapServers, topics);
    // Decisions caused by ticks after the last command (expiries) may still be on their way to Postgres.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!audit.readModelCaughtUp(readModel) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      audit = LogAudit.read(bootstrapServers, topics);
    }
    LogAudit.Figures figures = audit.figures(accepted);
    assertThat(audit.lost(accepted)).as("accepted events not in the log or never decided").isEmpty();
    assertThat(audit.decidedTwice()).as("events decided more than once").isEmpty();
    assertThat(figures.duplicated()).as("accepted events appended or decided more than once").isZero();
    assertThat(figures.oversold()).as("units held beyond stock").isZero();
    assertThat(audit.readModelCaughtUp(readModel)).as("the read model applied every decision").isTrue();
    Invariants.assertHold(bootstrapServers, topics, readModel, accepted);
    return figures;
  }

  /**
   * Prints one line of the reliability report, {@code RELIABILITY fault=<name> key=value ...}, and appends
   * it to {@code target/reliability.txt}, where docs/reliability.md's figures come from.
   */
  static void report(String fault, String details) {
    String line = "RELIABILITY fault=" + fault + " " + details;
    System.out.println(line);
    try {
      Path file = Path.of("target", "reliability.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.out.println("(could not append to target/reliability.txt: " + e + ")");
    }
  }
}
