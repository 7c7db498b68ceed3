package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlq list} and {@code dlq replay} against a running stack: a record the projector refused shows with
 * its error, a fixed line is appended and decided, and a batch with an invalid line appends nothing.
 */
@ExtendWith(SharedStack.class)
class DeadLetterCommandsTest {

  private static final TopicSettings TOPICS = TopicSettings.defaults();
  private static final Pattern APPENDED = Pattern.compile("appended line (\\d+).* at (\\d+-\\d+) ");

  @TempDir
  Path dir;

  @Test
  void listShowsAPoisonRecordWithItsError(LocalStack stack) throws Exception {
    String sku = "DLQ-LIST-" + UUID.randomUUID().toString().substring(0, 8);
    String value = receiptJson(sku, "r-" + sku, 0);
    String source = poison(stack, sku, value);

    JsonNode line = awaitLine(stack, source);
    assertThat(line.get("error").asText()).contains("quantity");
    assertThat(line.get("key").asText()).isEqualTo(sku);
    assertThat(line.get("value").asText()).isEqualTo(value);
    assertThat(line.get("partition").asInt()).isEqualTo(Integer.parseInt(source.split("/")[1]));
    assertThat(Instant.parse(line.get("timestamp").asText())).isAfter(Instant.now().minusSeconds(120));

    Cli.Run human = Cli.run(Cli.env(stack), "dlq", "list");
    assertThat(human.exit()).as("%s", human).isZero();
    assertThat(human.out()).contains(source + "  ").contains("key " + sku)
        .contains("error: " + line.get("error").asText()).contains("value: " + value)
        .containsPattern("\\d+ dead letters? in " + TOPICS.deadLetters());

    Cli.Run limited = Cli.run(Cli.env(stack), "dlq", "list", "--json", "--limit", "1");
    assertThat(limited.exit()).isZero();
    assertThat(limited.out().lines().count()).isEqualTo(1);
  }

  @Test
  void replayOfAFixedLineAppendsItAndItIsDecided(LocalStack stack) throws Exception {
    String sku = "DLQ-FIX-" + UUID.randomUUID().toString().substring(0, 8);
    String source = poison(stack, sku, receiptJson(sku, "r-" + sku, 0));
    ObjectNode line = (ObjectNode) awaitLine(stack, source);

    // The operator's fix: the quantity, in the event's JSON text.
    ObjectNode event = (ObjectNode) Json.MAPPER.readTree(line.get("value").asText());
    event.put("quantity", 7);
    line.put("value", Json.MAPPER.writeValueAsString(event));
    Path file = dir.resolve("fixed.jsonl");
    Files.writeString(file, "# fixed quantity\n" + Json.MAPPER.writeValueAsString(line) + "\n");

    Cli.Run replay = Cli.run(Cli.env(stack), "dlq", "replay", file.toString());
    assertThat(replay.exit()).as("%s", replay).isZero();
    Matcher m = APPENDED.matcher(replay.out());
    assertThat(m.find()).as("%s", replay).isTrue();
    assertThat(m.group(1)).isEqualTo("2");
    assertThat(replay.out()).contains("(" + source + ")").contains("sku " + sku);
    String token = m.group(2);

    JsonNode stock = Cli.get(stack.queryUrl() + "/skus/" + sku + "?minPosition=" + token + "&wait=15");
    assertThat(stock.get("onHand").asLong()).as("%s", stock).isEqualTo(7);
    assertThat(stock.get("available").asLong()).isEqualTo(7);
  }

  @Test
  void replayRefusesAnInvalidLineWithTheReasonAndAppendsNothing(LocalStack stack) throws Exception {
    String ok = "DLQ-OK-" + UUID.randomUUID().toString().substring(0, 8);
    String bad = "DLQ-BAD-" + UUID.randomUUID().toString().substring(0, 8);
    String wrongKey = "DLQ-KEY-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> lines = List.of(
        line(ok, ok, receiptJson(ok, "r-" + ok, 3)),
        line(bad, bad, receiptJson(bad, "r-" + bad, -1)),
        line("SOMEONE-ELSE", "events/0/1", receiptJson(wrongKey, "r-" + wrongKey, 2)));
    Path file = dir.resolve("batch.jsonl");
    Files.write(file, lines);

    Map<Integer, Long> before = eventsEnd(stack);
    Cli.Run replay = Cli.run(Cli.env(stack), "dlq", "replay", file.toString());
    assertThat(replay.exit()).as("%s", replay).isEqualTo(1);
    assertThat(replay.out()).as("%s", replay)
        .containsPattern("refused line 2 \\(" + bad + "\\): .*quantity")
        .contains("refused line 3 (events/0/1): key: 'SOMEONE-ELSE' is not the event's sku '" + wrongKey + "'")
        .contains("nothing appended: 2 of 3 lines are invalid")
        .doesNotContain("refused line 1");
    Cli.Run dryRun = Cli.run(Cli.env(stack), "dlq", "replay", "--dry-run", file.toString());
    assertThat(dryRun.exit()).as("%s", dryRun).isEqualTo(1);
    assertThat(dryRun.out()).contains("valid line 1 (" + ok + "): StockReceived, sku " + ok)
        .contains("nothing appended");
    // Whatever the commands appended is in the log by now (acks=all before they return).
    assertThat(keysSince(stack, before)).as("keys appended since").doesNotContain(ok, bad, wrongKey);

    // With --skip-invalid, the valid line goes in (given as an event object this time), the others do not.
    ObjectNode asObject = (ObjectNode) Json.MAPPER.readTree(lines.get(0));
    asObject.set("value", Json.MAPPER.readTree(asObject.get("value").asText()));
    Files.write(file, List.of(Json.MAPPER.writeValueAsString(asObject), lines.get(1)));
    Cli.Run skipping = Cli.run(Cli.env(stack), "dlq", "replay", "--skip-invalid", file.toString());
    assertThat(skipping.exit()).as("%s", skipping).isEqualTo(1);
    assertThat(skipping.out()).contains("refused line 2").contains("appended 1 of 2 lines");
    Matcher m = APPENDED.matcher(skipping.out());
    assertThat(m.find()).as("%s", skipping).isTrue();
    JsonNode stock = Cli.get(stack.queryUrl() + "/skus/" + ok + "?minPosition=" + m.group(2) + "&wait=15");
    assertThat(stock.get("onHand").asLong()).isEqualTo(3);
    assertThat(keysSince(stack, before)).contains(ok).doesNotContain(bad, wrongKey);
  }

  @Test
  void theHelpListsTheCommandsAndSaysAReplayedDuplicateIsHarmless() {
    Cli.Run root = Cli.run(Map.of(), "--help");
    assertThat(root.exit()).isZero();
    assertThat(root.out()).contains("status", "topics", "dlq", "rebuild");
    Cli.Run replay = Cli.run(Map.of(), "dlq", "replay", "--help");
    assertThat(replay.exit()).isZero();
    assertThat(replay.out()).contains("--dry-run", "--skip-invalid").containsPattern("already\\s+decided\\s+is\\s+harmless");
    Cli.Run missing = Cli.run(Map.of(), "dlq", "replay", dir.resolve("nowhere.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------------------

  private static String receiptJson(String sku, String receiptId, long quantity) {
    ObjectNode n = (ObjectNode) EventCodec.toTree(Events.received(sku, receiptId, 1, Instant.now()));
    n.put("quantity", quantity);
    return n.toString();
  }

  private static String line(String key, String source, String value) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("source", source);
    n.put("key", key);
    n.put("value", value);
    return n.toString();
  }

  /** Appends {@code value} keyed by {@code key}; returns its place, {@code topic/partition/offset}. */
  private static String poison(LocalStack stack, String key, String value) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = StatusCommandTest.producer(stack)) {
      RecordMetadata m = producer.send(new ProducerRecord<>(TOPICS.events(), key.getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8))).get();
      return TOPICS.events() + "/" + m.partition() + "/" + m.offset();
    }
  }

  /** The {@code dlq list --json} line of the dead letter of {@code source}, once the projector wrote it. */
  private static JsonNode awaitLine(LocalStack stack, String source) {
    List<JsonNode> found = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
      Cli.Run run = Cli.run(Cli.env(stack), "dlq", "list", "--json");
      assertThat(run.exit()).as("%s", run).isZero();
      for (String l : run.out().lines().toList()) {
        JsonNode n = Json.MAPPER.readTree(l);
        if (source.equals(n.get("source").asText())) {
          found.add(n);
          return true;
        }
      }
      return false;
    });
    return found.get(0);
  }

  private static Map<Integer, Long> eventsEnd(LocalStack stack) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      return new KafkaOffsets(admin).end(TOPICS.events());
    }
  }

  /** The keys of every record appended to the events topic after {@code from}. */
  private static List<String> keysSince(LocalStack stack, Map<Integer, Long> from) {
    Map<Integer, Long> to = eventsEnd(stack);
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(stack.bootstrapServers())) {
      Map<TopicPartition, Long> stop = new HashMap<>();
      from.forEach((p, o) -> stop.put(new TopicPartition(TOPICS.events(), p), to.get(p)));
      consumer.assign(stop.keySet());
      from.forEach((p, o) -> consumer.seek(new TopicPartition(TOPICS.events(), p), o));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (stop.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(System.nanoTime()).as("read the events topic in time").isLessThan(deadline);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key() != null) {
            keys.add(new String(r.key(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return keys;
  }
}
