package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.InvariantChecker;
import io.stocklog.verify.InvariantReport;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The brief's invariants against the read model and the log, by the checker the tests and the benchmark
 * share: the read model equals a fold of the log; no SKU negative; reserved equals the sum of live
 * reservations; every accepted command is in the log exactly once.
 */
final class Invariants {

  private Invariants() {}

  static InvariantReport assertHold(String bootstrapServers, TopicSettings topics, DataSource readModel,
      Set<String> accepted) {
    InvariantReport report = InvariantChecker.check(bootstrapServers, topics, readModel, "public", accepted);
    System.out.println(report.summary());
    assertThat(report.violations()).as(report.summary()).isEmpty();
    assertThat(report.eventsReplayed()).as("events replayed by the checker").isPositive();
    return report;
  }
}
