package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.StockReceived;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.HomePartition;
import io.stocklog.verify.InvariantChecker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Records no command service would write, produced straight to the events topic as an upstream producer
 * with a bug could: every class lands in the dead-letter topic with a reason and its original bytes, the
 * projector goes on deciding the valid events behind them in the same partition, and nothing else changes. A valid
 * event in another partition than its key's home is not poison: it is forwarded home and decided there, once.
 */
@WithInfra
class PoisonRecordsTest {

  private static final String SKU = "POISON-A";
  private static final String OTHER = "POISON-B";

  /** A poison record: what it is, its key and value, and a phrase its dead letter's error must contain. */
  record Poison(String what, String key, byte[] value, String reason) {}

  @Test
  void everyPoisonClassIsDeadLetteredWithItsReasonAndNothingElseChanges(TestKafka kafka) throws Exception {
    try (LocalStack stack = LocalStack.start(Stacks.onCluster(kafka, "poison", 3))) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Ledger ledger = new Ledger();
      // Valid traffic before: stock and a hold on the SKU the poison is keyed by, and on another.
      assertThat(ledger.record(SKU, "r-before", client.receipt(SKU, "r-before", 10, 10)).status()).isEqualTo(200);
      assertThat(ledger.record(SKU, "o-before", client.reserve(SKU, "o-before", 3, 600, 10)).status()).isEqualTo(201);
      assertThat(ledger.record(OTHER, "r-other", client.receipt(OTHER, "r-other", 4, 10)).status()).isEqualTo(200);

      List<Poison> poisons = poisons();
      Map<Position, Poison> producedAt = new LinkedHashMap<>();
      String validAfter;
      long started = System.nanoTime();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576), new StringSerializer(), new ByteArraySerializer())) {
        for (Poison p : poisons) {
          RecordMetadata m = producer.send(new ProducerRecord<>(stack.topics().events(), p.key(), p.value())).get();
          producedAt.put(new Position(m.partition(), m.offset()), p);
        }
        // A valid event straight after them, in the same partition: it must still be decided.
        StockReceived after = Events.received(SKU, "r-after-poison", 5, Instant.now());
        producer.send(new ProducerRecord<>(stack.topics().events(), SKU, EventCodec.encode(after))).get();
        validAfter = after.eventId();
      }
      // And over HTTP: the command path is unaffected.
      Answer held = ledger.record(SKU, "o-after", client.reserve(SKU, "o-after", 2, 600, 15));
      assertThat(held.status()).as("%s", held).isEqualTo(201);
      assertThat(held.number("onHand")).as("the valid receipt behind the poison was decided first").isEqualTo(15);

      // Not poison: a valid receipt in another partition than its SKU's home, where a producer with another
      // partitioner would put it. It is forwarded home and decided there once, and the audit counts that copy.
      StockReceived misplaced = Events.received(SKU, "r-misplaced", 1, Instant.now());
      int away = (HomePartition.of(SKU, stack.topics().partitions()) + 1) % stack.topics().partitions();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(stack.topics().events(), away, SKU, EventCodec.encode(misplaced))).get();
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(client.query("/skus/" + SKU).number("onHand")).as("the misplaced receipt, decided").isEqualTo(16));

      Map<Position, JsonNode> letters = deadLetters(stack, producedAt.keySet());
      long deadLetteredMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(letters.keySet()).as("a dead letter for every poison record").isEqualTo(producedAt.keySet());
      producedAt.forEach((at, poison) -> {
        JsonNode letter = letters.get(at);
        assertThat(letter.path("error").asText()).as("reason for %s", poison.what()).contains(poison.reason());
        assertThat(letter.path("topic").asText()).isEqualTo(stack.topics().events());
        assertThat(letter.path("key").isNull() ? null : letter.path("key").asText()).as("key of %s", poison.what())
            .isEqualTo(poison.key());
        if (poison.value() == null) {
          assertThat(letter.path("value").isNull()).as("value of %s", poison.what()).isTrue();
        } else {
          byte[] kept = Base64.getDecoder().decode(letter.path("value").asText());
          int expected = Math.min(poison.value().length, 512 * 1024);
          assertThat(kept).as("original bytes of %s", poison.what())
              .isEqualTo(java.util.Arrays.copyOf(poison.value(), expected));
        }
      });

      Set<String> accepted = new HashSet<>(ledger.acceptedEventIds());
      accepted.add(validAfter);
      accepted.add(misplaced.eventId());
      long convergeMillis = FaultCheck.awaitConverged(FaultCheck.readModel(stack), ledger, Duration.ofSeconds(30));
      LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, accepted);

      // Nothing else changed: no decision at any poison position, and exactly the valid events' effect.
      LogAudit audit = LogAudit.read(stack.bootstrapServers(), stack.topics());
      Set<String> decidedAt = new HashSet<>();
      for (Outcome o : audit.outcomes) {
        decidedAt.add(o.position());
      }
      assertThat(producedAt.keySet()).allSatisfy(at ->
          assertThat(decidedAt).as("decisions at poison position %s", at.token()).doesNotContain(at.token()));
      assertThat(audit.undecodable.keySet()).as("records in the log that are not events")
          .isSubsetOf(producedAt.keySet());
      assertThat(audit.decisionsPerEvent.keySet()).as("what was decided").isEqualTo(accepted);
      assertThat(audit.awayFromHome).as("the misplaced receipt, not counted where it landed").isEqualTo(1);
      assertThat(audit.appendedAt.get(misplaced.eventId())).as("its home copy")
          .extracting(Position::partition).containsExactly(HomePartition.of(SKU, stack.topics().partitions()));
      Answer sku = client.query("/skus/" + SKU);
      assertThat(sku.number("onHand")).isEqualTo(16);
      assertThat(sku.number("reserved")).isEqualTo(5);
      Answer other = client.query("/skus/" + OTHER);
      assertThat(other.number("onHand")).isEqualTo(4);
      assertThat(other.number("reserved")).isZero();

      // The check is live in this wiring, not vacuous: an accepted ID the log lacks is a violation, and so is a
      // read model row changed behind the sink's back.
      javax.sql.DataSource readModel = FaultCheck.readModel(stack);
      Set<String> withAStranger = new HashSet<>(accepted);
      withAStranger.add("accepted-but-never-appended");
      assertThat(InvariantChecker.check(stack.bootstrapServers(), stack.topics(), readModel, "public", withAStranger)
          .violations()).as("violations with an accepted ID that is not in the log").isNotEmpty();
      try (var c = readModel.getConnection(); var st = c.createStatement()) {
        st.executeUpdate("update sku_stock set on_hand = on_hand + 1, available = available + 1 where sku = '" + OTHER + "'");
      }
      assertThat(InvariantChecker.check(stack.bootstrapServers(), stack.topics(), readModel, "public", accepted)
          .violations()).as("violations after tampering with the read model").isNotEmpty();

      FaultCheck.report("poison-records", "classes=" + poisons.size() + " dead_lettered=" + letters.size()
          + " valid_events=" + accepted.size() + " " + figures.line()
          + " dead_lettered_within_ms_of_producing=" + deadLetteredMillis + " convergence_ms=" + convergeMillis);
    }
  }

  private static List<Poison> poisons() {
    String at = "\"occurredAt\":\"2026-11-22T10:15:30Z\"";
    String head = "\"schemaVersion\":1,\"eventId\":\"" + Events.newEventId() + "\",\"sku\":\"" + SKU + "\"," + at;
    List<Poison> p = new ArrayList<>();
    p.add(new Poison("not JSON", SKU, bytes("not json at all"), "not valid JSON"));
    p.add(new Poison("truncated JSON", SKU, bytes("{\"type\":\"StockReceived\",\"quantity\":"), "not valid JSON"));
    p.add(new Poison("binary garbage", SKU, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80}, "not valid JSON"));
    p.add(new Poison("empty value", SKU, new byte[0], "empty record"));
    p.add(new Poison("null value (tombstone)", SKU, null, "empty record"));
    p.add(new Poison("unknown type", SKU, bytes("{\"type\":\"StockTeleported\"," + head + ",\"receiptId\":\"r-x\",\"quantity\":1}"),
        "unknown event type 'StockTeleported'"));
    p.add(new Poison("missing type", SKU, bytes("{" + head + ",\"receiptId\":\"r-x\",\"quantity\":1}"), "type"));
    p.add(new Poison("missing quantity", SKU, bytes("{\"type\":\"StockReceived\"," + head + ",\"receiptId\":\"r-x\"}"),
        "required property 'quantity' not found"));
    p.add(new Poison("missing receiptId", SKU, bytes("{\"type\":\"StockReceived\"," + head + ",\"quantity\":1}"),
        "receiptId"));
    p.add(new Poison("missing orderId", SKU, bytes("{\"type\":\"ReservationRequested\"," + head
        + ",\"quantity\":1,\"holdSeconds\":60}"), "orderId"));
    p.add(new Poison("negative quantity", SKU, bytes("{\"type\":\"StockReceived\"," + head
        + ",\"receiptId\":\"r-neg\",\"quantity\":-5}"), "quantity"));
    p.add(new Poison("negative reservation", SKU, bytes("{\"type\":\"ReservationRequested\"," + head
        + ",\"orderId\":\"o-neg\",\"quantity\":-1,\"holdSeconds\":60}"), "quantity"));
    p.add(new Poison("quantity above the maximum", SKU, bytes("{\"type\":\"StockReceived\"," + head
        + ",\"receiptId\":\"r-big\",\"quantity\":9223372036854775807}"), "quantity"));
    p.add(new Poison("quantity beyond 64 bits", SKU, bytes("{\"type\":\"StockReceived\"," + head
        + ",\"receiptId\":\"r-huge\",\"quantity\":99999999999999999999999999999}"), "quantity"));
    p.add(new Poison("adjustment delta beyond 64 bits", SKU, bytes("{\"type\":\"StockAdjusted\"," + head
        + ",\"adjustmentId\":\"a-huge\",\"delta\":-99999999999999999999999,\"reason\":\"x\"}"), "delta"));
    p.add(new Poison("key disagrees with the SKU", SKU, EventCodec.encode(
        Events.received(OTHER, "r-wrong-key", 1_000, Instant.now())), "is not the event's sku"));
    p.add(new Poison("no key", null, EventCodec.encode(Events.received(SKU, "r-no-key", 1_000, Instant.now())),
        "key: is missing"));
    p.add(new Poison("oversized payload (200 KB)", SKU, oversized(200 * 1024), "record too large"));
    p.add(new Poison("oversized payload (700 KB, kept in part)", SKU, oversized(700 * 1024), "record too large"));
    return p;
  }

  /** A receipt that would be valid but for a padding field that makes it {@code size} bytes. */
  private static byte[] oversized(int size) {
    String prefix = "{\"type\":\"StockReceived\",\"schemaVersion\":1,\"eventId\":\"" + Events.newEventId()
        + "\",\"sku\":\"" + SKU + "\",\"occurredAt\":\"2026-11-22T10:15:30Z\",\"receiptId\":\"r-oversized\","
        + "\"quantity\":1000,\"padding\":\"";
    return bytes(prefix + "x".repeat(size - prefix.length() - 2) + "\"}");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The dead letters for {@code expected}, by the position of the record each is about. */
  private static Map<Position, JsonNode> deadLetters(LocalStack stack, Set<Position> expected) throws Exception {
    Map<Position, JsonNode> letters = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!letters.keySet().containsAll(expected) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      letters = new HashMap<>();
      for (ConsumerRecord<String, String> r : LogAudit.readAll(stack.bootstrapServers(), stack.topics().deadLetters(),
          stack.topics().partitions(), new StringDeserializer())) {
        JsonNode letter = Json.MAPPER.readTree(r.value());
        Position about = new Position(letter.path("partition").asInt(), letter.path("offset").asLong());
        assertThat(letters.put(about, letter)).as("a second dead letter for %s", about.token()).isNull();
        assertThat(new String(r.headers().lastHeader("stocklog.error").value(), StandardCharsets.UTF_8))
            .isEqualTo(letter.path("error").asText());
        assertThat(new String(r.headers().lastHeader("stocklog.source").value(), StandardCharsets.UTF_8))
            .isEqualTo(stack.topics().events() + "/" + about.partition() + "/" + about.offset());
      }
    }
    return letters;
  }
}
