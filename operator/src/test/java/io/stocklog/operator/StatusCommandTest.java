package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.local.LocalStack;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code status} against a running stack: its numbers are the broker's and the read model's, it shows the
 * lags reaching zero once the pipeline has caught up, it counts a dead letter, and the table and the JSON
 * say the same. Holds due on quiet partitions get ticks, so the log end and the decided offsets can move
 * between two reads: those are checked against broker reads taken just before and just after.
 */
@WithInfra
@ExtendWith(SharedStack.class)
class StatusCommandTest {

  private static final TopicSettings TOPICS = TopicSettings.defaults();

  @Test
  void statusMatchesTheBrokerAndTheReadModelAndCountsADeadLetter(LocalStack stack) throws Exception {
    Map<String, String> env = Cli.env(stack);
    // Receipts on several SKUs, each decided (Prefer: wait), so they land on several partitions.
    Map<Integer, Long> lastOutcomeOffset = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      JsonNode answer = Cli.post(stack.commandUrl() + "/skus/STATUS-" + i + "/receipts",
          "{\"receiptId\":\"status-r-" + i + "\",\"quantity\":" + (10 + i) + "}", 10);
      Position p = Position.parse(answer.get("position").asText());
      lastOutcomeOffset.merge(p.partition(), p.offset(), Math::max);
    }
    JsonNode before = Cli.run(env, "status", "--json").json();
    long deadBefore = before.get("deadLetters").asLong();

    int poisonPartition;
    try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
      RecordMetadata m = producer.send(new ProducerRecord<>(TOPICS.events(),
          "STATUS-POISON".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8))).get();
      poisonPartition = m.partition();
    }
    long deadInPartitionBefore = before.get("partitions").get(poisonPartition).get("deadLetters").asLong();

    AtomicReference<JsonNode> caughtUp = new AtomicReference<>();
    AtomicReference<Map<Integer, Long>> endBefore = new AtomicReference<>();
    AtomicReference<Map<Integer, Long>> endAfter = new AtomicReference<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        Map<Integer, Long> e1 = new KafkaOffsets(admin).end(TOPICS.events());
        Cli.Run run = Cli.run(env, "status", "--json");
        Map<Integer, Long> e2 = new KafkaOffsets(admin).end(TOPICS.events());
        assertThat(run.exit()).as("%s", run).isZero();
        JsonNode s = run.json();
        assertThat(s.get("deadLetters").asLong()).as("dead letters").isEqualTo(deadBefore + 1);
        for (JsonNode row : s.get("partitions")) {
          assertThat(row.get("decideLag").asLong()).as("decide lag %s", row).isZero();
          assertThat(row.get("sinkLag").asLong()).as("sink lag %s", row).isZero();
        }
        caughtUp.set(s);
        endBefore.set(e1);
        endAfter.set(e2);
      });
      JsonNode s = caughtUp.get();
      Map<Integer, Long> outcomesEnd = new KafkaOffsets(admin).end(TOPICS.outcomes());

      assertThat(s.get("exact").get("sinkLag").asBoolean()).isTrue();
      assertThat(s.get("exact").get("deadLetters").asBoolean()).isTrue();
      assertThat(s.get("partitions")).hasSize(SharedStack.PARTITIONS);
      for (JsonNode row : s.get("partitions")) {
        int p = row.get("partition").asInt();
        assertThat(row.get("logEnd").asLong()).as("log end of %d", p)
            .isBetween(endBefore.get().get(p), endAfter.get().get(p));
        // No command since: the outcomes topic stands still (ticks decide nothing without reservations).
        assertThat(row.get("outcomesEnd").asLong()).as("outcomes end of %d", p).isEqualTo(outcomesEnd.get(p));
        if (lastOutcomeOffset.containsKey(p)) {
          // The read model's position is one past the last event that produced an outcome: our receipt.
          assertThat(row.get("readModel").asLong()).as("read model of %d", p).isEqualTo(lastOutcomeOffset.get(p) + 1);
          assertThat(row.get("readModelGap").asLong()).isEqualTo(row.get("logEnd").asLong() - row.get("readModel").asLong());
        }
        assertThat(row.get("deadLetters").asLong()).as("dead letters of %d", p)
            .isEqualTo(p == poisonPartition ? deadInPartitionBefore + 1
                : before.get("partitions").get(p).get("deadLetters").asLong());
      }
      assertThat(s.get("totals").get("deadLetters").asLong()).isEqualTo(deadBefore + 1);

      JsonNode catalog = s.get("catalog");
      assertThat(catalog.get("exists").asBoolean()).isTrue();
      assertThat(catalog.get("serving").asText()).isEqualTo("main");
      assertThat(catalog.get("deciding").asText()).isEqualTo("main");
      JsonNode main = catalog.get("projections").get(0);
      assertThat(main.get("name").asText()).isEqualTo("main");
      assertThat(main.get("schema").asText()).isEqualTo("public");
      assertThat(main.get("applicationId").asText()).isEqualTo("stocklog-projector");
      assertThat(main.get("serving").asBoolean()).isTrue();
      assertThat(main.get("deciding").asBoolean()).isTrue();

      // The table says the same: exactly, for what stands still; within the broker's bounds for the rest.
      Cli.Run human = Cli.run(env, "status");
      Map<Integer, Long> e3 = new KafkaOffsets(admin).end(TOPICS.events());
      assertThat(human.exit()).as("%s", human).isZero();
      assertThat(human.out()).contains("main", "ACTIVE", "public", "stocklog-projector", "serving, deciding")
          .contains("dead letters: " + (deadBefore + 1) + " in " + TOPICS.deadLetters());
      Map<Integer, String[]> table = table(human.out());
      assertThat(table).hasSize(SharedStack.PARTITIONS);
      for (JsonNode row : s.get("partitions")) {
        int p = row.get("partition").asInt();
        String[] cells = table.get(p);
        assertThat(Long.parseLong(cells[1])).as("table log end of %d", p).isBetween(endBefore.get().get(p), e3.get(p));
        // A tick may have come in since the JSON: the decided offset only grows, and the lag is what is left.
        assertThat(Long.parseLong(cells[2])).as("table decided of %d", p)
            .isBetween(row.get("decided").asLong(), e3.get(p));
        assertThat(Long.parseLong(cells[3])).as("table decide lag of %d", p)
            .isEqualTo(Long.parseLong(cells[1]) - Long.parseLong(cells[2]));
        assertThat(cells[4]).isEqualTo(text(row.get("readModel")));
        assertThat(cells[6]).isEqualTo(text(row.get("outcomesEnd")));
        assertThat(cells[7]).isEqualTo(text(row.get("sinkCommitted")));
        assertThat(cells[8]).isEqualTo("0");
        assertThat(cells[9]).isEqualTo(text(row.get("deadLetters")));
      }
    }
  }

  @Test
  void withoutACatalogStatusStillShowsKafkaAndSaysSo(LocalStack stack, TestDatabase empty) {
    Map<String, String> env = Cli.env(stack);
    env.put("STOCKLOG_JDBC_URL", empty.jdbcUrl());
    env.put("STOCKLOG_JDBC_USER", empty.user());
    env.put("STOCKLOG_JDBC_PASSWORD", empty.password() == null ? "" : empty.password());

    Cli.Run human = Cli.run(env, "status");
    assertThat(human.exit()).as("%s", human).isZero();
    assertThat(human.out()).contains("no projection catalog exists yet").contains("LOG END");
    assertThat(table(human.out())).hasSize(SharedStack.PARTITIONS);

    JsonNode s = Cli.run(env, "status", "--json").json();
    assertThat(s.get("catalog").get("exists").asBoolean()).isFalse();
    assertThat(s.get("applicationId").asText()).isEqualTo("stocklog-projector");
    assertThat(s.get("partitions")).hasSize(SharedStack.PARTITIONS);
    for (JsonNode row : s.get("partitions")) {
      assertThat(row.get("logEnd").asLong()).isPositive();
      // The stack's projector is the environment's default application: its offsets are there.
      assertThat(row.get("decided").isNumber()).as("%s", row).isTrue();
      // No read model in an empty database.
      assertThat(row.get("readModel").isNull()).as("%s", row).isTrue();
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? "-" : n.asText();
  }

  /** The partition rows of the human table: partition number to its cells. */
  private static Map<Integer, String[]> table(String out) {
    Map<Integer, String[]> rows = new HashMap<>();
    boolean in = false;
    for (String line : out.lines().toList()) {
      if (line.startsWith("PARTITION")) {
        in = true;
        continue;
      }
      if (in) {
        String[] cells = line.trim().split("\\s+");
        if (cells.length < 10 || !cells[0].matches("\\d+")) {
          if (!line.startsWith("all")) {
            break;
          }
          continue;
        }
        rows.put(Integer.parseInt(cells[0]), cells);
      }
    }
    return rows;
  }

  static KafkaProducer<byte[], byte[]> producer(LocalStack stack) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
