package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogRecordsTest {

  private final LogRecords records = new LogRecords("unused:9092", "inventory.events", "inventory.outcomes");

  @Test
  void topicsAreGroupedByWhatTheyHold() {
    assertThat(records.group("inventory.events")).isEqualTo(LogRecords.EVENTS);
    assertThat(records.group("inventory.outcomes")).isEqualTo(LogRecords.OUTCOMES);
    assertThat(records.group("inventory.outcomes.r20261206")).isEqualTo(LogRecords.OUTCOMES);
    assertThat(records.group("stocklog-projector-reservations-changelog")).isEqualTo(LogRecords.CHANGELOGS);
    assertThat(records.group("__consumer_offsets")).isEqualTo(LogRecords.OFFSETS);
    assertThat(records.group("__transaction_state")).isEqualTo(LogRecords.TRANSACTIONS);
    assertThat(records.group("inventory.dead-letters")).isEqualTo(LogRecords.OTHER);
  }

  @Test
  void appendedIsTheGrowthOfEachGroupAndTheTableDividesByDecisions() {
    Map<String, Long> appended = LogRecords.between(
        Map.of(LogRecords.EVENTS, 100L, LogRecords.CHANGELOGS, 50L),
        Map.of(LogRecords.EVENTS, 1_100L, LogRecords.OUTCOMES, 1_000L, LogRecords.CHANGELOGS, 550L,
            LogRecords.TRANSACTIONS, 30L));
    assertThat(appended).containsExactly(Map.entry(LogRecords.EVENTS, 1_000L), Map.entry(LogRecords.OUTCOMES, 1_000L),
        Map.entry(LogRecords.CHANGELOGS, 500L), Map.entry(LogRecords.OFFSETS, 0L),
        Map.entry(LogRecords.TRANSACTIONS, 30L), Map.entry(LogRecords.OTHER, 0L));

    Percentiles.Summary l = new Percentiles.Summary(0, 0, 0, 0, 0);
    RunResult r = new RunResult("flash sale", "stocklog via Kafka producer", 12, 1_000, 1.0, l, 0, 0, 0, 0, l, null,
        "", 0, null, Durability.PAGE_CACHE, 0.1, appended);
    String table = Report.logRecordsTable(List.of(r));
    assertThat(table).contains("| events | 1.00 |", "| state changelogs | 0.50 |", "| transaction state | 0.03 |",
        "| **all of them** | **2.53** |");
  }
}
