package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated history over 500 SKUs, decided by the real projector process into a real read model: the read
 * model is exactly the replay of the log up to its positions, and every invariant holds.
 */
@WithInfra
class ReplayVerifyTest {

  private static final Logger log = LoggerFactory.getLogger(ReplayVerifyTest.class);
  private static final int SKUS = 500;
  private static final int PARTITIONS = 4;

  @TempDir
  Path stateDir;

  @Test
  void theReadModelOfAGeneratedHistoryIsTheReplayOfItsLogAndKeepsEveryInvariant(TestKafka kafka, TestDatabase db)
      throws Exception {
    GeneratedHistory history = GeneratedHistory.of(SKUS, PARTITIONS, 20261122L);
    try (LiveReadModel live = LiveReadModel.start(kafka, db, stateDir, PARTITIONS)) {
      long started = System.nanoTime();
      live.append(history);
      Map<Integer, Long> caughtUp = live.awaitCaughtUp(Duration.ofSeconds(60));
      log.info("{} records appended and applied to the read model in {} ms", history.items.size(),
          (System.nanoTime() - started) / 1_000_000);

      ReadModelDiff diff = ReadModelDiff.compare(kafka.bootstrapServers(), live.topics.events(), db.dataSource(),
          "public");

      assertThat(diff.differences()).isEmpty();
      assertThat(diff.through()).containsAllEntriesOf(caughtUp).hasSize(PARTITIONS);
      assertThat(diff.skusCompared()).isEqualTo(SKUS);
      assertThat(diff.reservationsCompared()).isGreaterThan(SKUS * 3L);

      InvariantReport report = InvariantChecker.check(kafka.bootstrapServers(), live.topics, db.dataSource(), "public",
          history.uniqueEventIds);

      assertThat(report.violations()).isEmpty();
      assertThat(report.ok()).isTrue();
      assertThat(report.skusChecked()).isEqualTo(SKUS);
      assertThat(report.reservationsChecked()).isEqualTo(diff.reservationsCompared());
      assertThat(report.eventsReplayed()).isGreaterThanOrEqualTo(history.items.size() - 3);
      assertThat(report.summary()).startsWith("Invariants hold: ");
      log.info(report.summary());
    }
  }

  /** The history must have exercised every rule for the comparison above to mean something. */
  @Test
  void theGeneratedHistoryCoversEveryDecisionDuplicatesConflictsExpiriesAndPoison(TestKafka kafka) throws Exception {
    GeneratedHistory history = GeneratedHistory.of(SKUS, PARTITIONS, 20261122L);
    String topic = kafka.createUniqueTopic("history", PARTITIONS);
    appendTo(kafka, topic, history);
    Map<String, Long> seen = new TreeMap<>();
    Set<String> deadLetters = new TreeSet<>();
    LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topic);
    LogReplay.Result<InMemoryInventoryStore> result = replay.replay(replay.lastOffsets(), new ReplayListener() {
      @Override
      public void outcome(Position at, Outcome o) {
        seen.merge(o.decision() + (o.reason() == null ? "" : "/" + o.reason()) + (o.duplicate() ? " dup" : ""), 1L,
            Long::sum);
      }

      @Override
      public void event(Position at, Event event) {
      }

      @Override
      public void deadLetter(Position at, String error, String eventId) {
        deadLetters.add(error.replaceAll(":.*", ""));
      }
    });

    log.info(String.format(Locale.ROOT, "%,d records replayed at %,.0f/s; decisions %s", result.records(),
        result.recordsPerSecond(), seen));
    assertThat(seen).containsKeys("RECEIVED", "ADJUSTED", "REJECTED/INSUFFICIENT_STOCK", "HELD",
        "REJECTED/OUT_OF_STOCK", "CONFIRMED", "CANCELLED", "EXTENDED", "EXPIRED", "REJECTED/EXPIRED",
        "RECEIVED dup", "HELD dup", "REJECTED/ID_CONFLICT dup", "REJECTED/UNKNOWN_RESERVATION");
    assertThat(result.deadLetters()).isEqualTo(3);
    assertThat(deadLetters).containsExactlyInAnyOrder("record too large", "not valid JSON", "key");
    assertThat(history.redeliveredEventIds).isNotEmpty();
    assertThat(result.records()).isEqualTo(history.items.size());
    assertThat(seen.get("EXPIRED")).isGreaterThan(100);
  }

  private static void appendTo(TestKafka kafka, String topic, GeneratedHistory history) throws Exception {
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of(
        "bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "linger.ms", 5,
        // One batch in flight: on a topic just created, Kafka (4.1, and 4.3 still) can accept the batches behind one refused with
        // NOT_LEADER_OR_FOLLOWER and then refuse its retry as out of sequence until it expires, losing it.
        "max.in.flight.requests.per.connection", 1),
        new org.apache.kafka.common.serialization.ByteArraySerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (GeneratedHistory.Item item : history.items) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, item.partition(), item.key(),
            item.value()));
      }
      producer.flush();
    }
  }
}
