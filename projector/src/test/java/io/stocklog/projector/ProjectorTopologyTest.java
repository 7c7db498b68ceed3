package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Inventory;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.HomePartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectorTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir
  Path stateDir;

  /**
   * A rebuild catching up on the live log appends nothing to it: the live projector appended an order's line
   * commands and forwarded records outside their home, and the rebuild folds those copies from the log. The driver
   * has one partition; the topology is told of two, so sku-y (home 1) is outside its home in partition 0.
   */
  @Test
  void aRebuildAppendsNeitherLineCommandsNorForwardsWhichTheDeciderDoes() {
    TopicSettings two = TopologyFixture.TOPICS.withPartitions(2);
    assertThat(HomePartition.of("sku-x", 2)).isZero();
    assertThat(HomePartition.of("o-1", 2)).isZero();
    assertThat(HomePartition.of("sku-y", 2)).isOne();
    Event placed = Events.placed("o-1", 600, List.of(new OrderPlaced.Line("sku-x", 1)), T0);
    try (TopologyFixture f = new TopologyFixture(stateDir.resolve("rebuild"),
        ProjectorOptions.defaults().forRebuild(ProjectorOptions.Progress.NONE), Instant.now(), two)) {
      f.pipe(Events.received("sku-x", "r-1", 5, T0));
      f.pipe(Events.received("sku-y", "r-1", 5, T0));
      f.pipe(placed);

      // The outcomes topic holds sku-x's receipt and the order's PENDING (an order outcome, by its header).
      List<String> skuOutcomes = f.rawOutcomes().readRecordsToList().stream()
          .filter(r -> r.headers().lastHeader(io.stocklog.outcomes.OrderOutcome.HEADER) == null)
          .map(r -> r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).toList();
      assertThat(skuOutcomes).as("sku-y is decided at home, not here").containsExactly("sku-x");
      assertThat(f.appended.isEmpty()).as("neither the line command nor the forward").isTrue();
      assertThat(f.deadLetters.isEmpty()).isTrue();
    }
    try (TopologyFixture f = new TopologyFixture(stateDir.resolve("decider"))) {
      f.pipe(Events.received("sku-x", "r-1", 5, T0));
      f.pipe(placed);
      assertThat(f.appended.readValuesToList()).as("the decider asks for the line").isNotEmpty();
    }
  }

  @Test
  void aReceiptThenAReservationAreReceivedThenHeldAtTheirPositions() {
    try (TopologyFixture f = new TopologyFixture(stateDir)) {
      f.pipe(Events.received("sku-1", "r-1", 10, T0));
      f.pipe(Events.requested("sku-1", "o-1", 3, 600, T0.plusSeconds(1)));

      List<TestRecord<String, Outcome>> out = f.outcomes.readRecordsToList();
      assertThat(out).extracting(TestRecord::key).containsExactly("sku-1", "sku-1");
      assertThat(out).extracting(r -> r.value().decision()).containsExactly(Decision.RECEIVED, Decision.HELD);
      assertThat(out).extracting(r -> r.value().position()).containsExactly("0-0", "0-1");
      Outcome held = out.get(1).value();
      assertThat(held.onHand()).isEqualTo(10);
      assertThat(held.reserved()).isEqualTo(3);
      assertThat(held.expiresAt()).isEqualTo(T0.plusSeconds(601));
      assertThat(f.deadLetters.isEmpty()).isTrue();
    }
  }

  @Test
  void poisonRecordsAreDeadLetteredWithReasonBytesAndPositionAndTheNextRecordIsDecided() throws IOException {
    byte[] notJson = "this is not json".getBytes(StandardCharsets.UTF_8);
    byte[] unknownType = """
        {"type":"StockStolen","schemaVersion":1,"eventId":"e-1","sku":"sku-1",\
        "occurredAt":"2026-11-22T10:00:00Z"}""".getBytes(StandardCharsets.UTF_8);
    byte[] negativeQuantity = new String(EventCodec.encode(Events.received("sku-1", "r-1", 5, T0)),
        StandardCharsets.UTF_8).replace("\"quantity\":5", "\"quantity\":-5").getBytes(StandardCharsets.UTF_8);
    byte[] otherSku = EventCodec.encode(Events.received("sku-2", "r-2", 5, T0));
    byte[] huge = new byte[2 * 1024 * 1024];
    Arrays.fill(huge, (byte) '{');

    try (TopologyFixture f = new TopologyFixture(stateDir)) {
      f.pipeRaw("sku-1", notJson);
      f.pipeRaw("sku-1", unknownType);
      f.pipeRaw("sku-1", negativeQuantity);
      f.pipeRaw("sku-1", otherSku);
      f.pipeRaw("sku-1", huge);
      f.pipe(Events.received("sku-1", "r-3", 7, T0));

      List<TestRecord<byte[], byte[]>> letters = f.deadLetters.readRecordsToList();
      assertThat(letters).hasSize(5);
      assertDeadLetter(letters.get(0), 0, notJson, "not valid JSON");
      assertDeadLetter(letters.get(1), 1, unknownType, "$.type: unknown event type 'StockStolen'");
      assertDeadLetter(letters.get(2), 2, negativeQuantity, "$.quantity");
      assertDeadLetter(letters.get(3), 3, otherSku, "key: 'sku-1' is not the event's sku 'sku-2'");
      assertDeadLetter(letters.get(4), 4,
          Arrays.copyOf(huge, ProjectorOptions.DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES), "record too large: 2097152 bytes");

      List<Outcome> out = f.outcomes.readValuesToList();
      assertThat(out).singleElement().satisfies(o -> {
        assertThat(o.decision()).isEqualTo(Decision.RECEIVED);
        assertThat(o.position()).isEqualTo("0-5");
        assertThat(o.onHand()).isEqualTo(7);
      });
    }
  }

  private static void assertDeadLetter(TestRecord<byte[], byte[]> letter, long offset, byte[] original, String error)
      throws IOException {
    assertThat(letter.key()).isEqualTo("sku-1".getBytes(StandardCharsets.UTF_8));
    JsonNode json = Json.MAPPER.readTree(letter.value());
    assertThat(json.get("error").asText()).contains(error);
    assertThat(json.get("topic").asText()).isEqualTo(TopologyFixture.TOPICS.events());
    assertThat(json.get("partition").asInt()).isZero();
    assertThat(json.get("offset").asLong()).isEqualTo(offset);
    assertThat(json.get("timestamp").isIntegralNumber()).isTrue();
    assertThat(json.get("key").asText()).isEqualTo("sku-1");
    assertThat(Base64.getDecoder().decode(json.get("value").asText())).isEqualTo(original);
    assertThat(new String(letter.headers().lastHeader(DeadLetter.ERROR_HEADER).value(), StandardCharsets.UTF_8))
        .isEqualTo(json.get("error").asText());
    assertThat(new String(letter.headers().lastHeader(DeadLetter.SOURCE_HEADER).value(), StandardCharsets.UTF_8))
        .isEqualTo(TopologyFixture.TOPICS.events() + "/0/" + offset);
  }

  @Test
  void aDeadLetterOfARecordWithoutKeyHasANullKey() throws IOException {
    try (TopologyFixture f = new TopologyFixture(stateDir)) {
      f.pipeRaw(null, EventCodec.encode(Events.received("sku-1", "r-1", 5, T0)));
      JsonNode json = Json.MAPPER.readTree(f.deadLetters.readValue());
      assertThat(json.get("key").isNull()).isTrue();
      assertThat(json.get("error").asText()).contains("key: is missing");
      assertThat(f.outcomes.isEmpty()).isTrue();
    }
  }

  @Test
  void aClockTickPastADeadlineExpiresTheHold() {
    try (TopologyFixture f = new TopologyFixture(stateDir)) {
      f.pipe(Events.received("sku-1", "r-1", 10, T0));
      f.pipe(Events.requested("sku-1", "o-1", 4, 1, T0));
      f.outcomes.readRecordsToList();
      Event tick = Events.tick(T0.plusSeconds(2));
      f.pipe(tick);

      List<TestRecord<String, Outcome>> out = f.outcomes.readRecordsToList();
      assertThat(out).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("sku-1");
        Outcome o = r.value();
        assertThat(o.decision()).isEqualTo(Decision.EXPIRED);
        assertThat(o.subjectId()).isEqualTo("o-1");
        assertThat(o.eventId()).isEqualTo(tick.eventId());
        assertThat(o.reserved()).isZero();
        assertThat(o.position()).isEqualTo("0-2");
      });
    }
  }

  @Test
  void aTaskRestoredFromItsChangelogsDecidesAsIfItHadNeverStopped() {
    Event receipt = Events.received("sku-1", "r-1", 10, T0);
    Map<String, Map<Bytes, byte[]>> changelogs;
    try (TopologyFixture f = new TopologyFixture(stateDir.resolve("before"))) {
      f.pipe(receipt);
      f.pipe(Events.requested("sku-1", "o-1", 4, 60, T0));
      f.pipe(Events.requested("sku-1", "o-9", 1, 600, T0));
      f.pipe(Events.cancelled("sku-1", "o-9", T0));
      changelogs = f.changelogs();
    }
    // TopologyTestDriver wipes its state directory on close, so the restart is a restore from changelogs.
    try (TopologyFixture f = new TopologyFixture(stateDir.resolve("after"))) {
      f.restore(changelogs);
      f.pipe(receipt);
      f.pipe(Events.requested("sku-1", "o-2", 7, 600, T0));
      f.pipe(Events.requested("sku-1", "o-3", 6, 600, T0));
      f.pipe(Events.tick(T0.plusSeconds(61)));

      List<Outcome> out = f.outcomes.readValuesToList();
      assertThat(out).extracting(Outcome::decision)
          .containsExactly(Decision.RECEIVED, Decision.REJECTED, Decision.HELD, Decision.EXPIRED);
      assertThat(out.get(0).duplicate()).isTrue();
      assertThat(out.get(1).reason()).isEqualTo(Reason.OUT_OF_STOCK);
      assertThat(out.get(2).reserved()).isEqualTo(10);
      assertThat(out.get(3).subjectId()).isEqualTo("o-1");
      assertThat(out.get(3).reserved()).isEqualTo(6);
    }
  }

  @Test
  void hundredReservationsOverThreeSkusFoldAsInMemory() {
    List<Event> events = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      events.add(Events.received("sku-" + s, "r-" + s, 40, T0));
    }
    for (int i = 0; i < 100; i++) {
      events.add(Events.requested("sku-" + (i % 3), "o-" + i, 1 + i % 4, 5 + i % 30, T0.plusMillis(500L * i)));
    }
    assertFoldsAsInMemory(events, ProjectorOptions.StoreKind.PERSISTENT);
  }

  @Test
  void randomHistoriesFoldAsInMemory() {
    Random random = new Random(20261122);
    for (int history = 0; history < 5; history++) {
      assertFoldsAsInMemory(RandomHistory.events(random, 800), ProjectorOptions.StoreKind.IN_MEMORY);
    }
  }

  @Test
  void aRandomHistoryFoldsAsInMemoryOverRocksDb() {
    assertFoldsAsInMemory(RandomHistory.events(new Random(7), 300), ProjectorOptions.StoreKind.PERSISTENT);
  }

  /** The topology over Kafka Streams stores decides exactly as the fold over the in-memory store. */
  private void assertFoldsAsInMemory(List<Event> events, ProjectorOptions.StoreKind stores) {
    InMemoryInventoryStore memory = new InMemoryInventoryStore();
    Inventory reference = new Inventory(memory);
    List<Outcome> expected = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Position at = new Position(0, i);
      reference.apply(events.get(i)).forEach(o -> expected.add(o.at(at)));
    }
    Path dir = stateDir.resolve("fold-" + System.nanoTime());
    try (TopologyFixture f = new TopologyFixture(dir, ProjectorOptions.defaults().withStores(stores))) {
      events.forEach(f::pipe);
      assertThat(f.outcomes.readValuesToList()).containsExactlyElementsOf(expected);
      assertThat(f.deadLetters.isEmpty()).isTrue();
      KeyValueInventoryStore kv = f.store(Inventory.DEFAULT_RETENTION);
      memory.stockLevels().forEach((sku, level) -> assertThat(kv.stock(sku)).isEqualTo(level));
      memory.reservations().forEach(r -> assertThat(kv.reservation(r.sku(), r.orderId())).isEqualTo(r));
      assertThat(kv.due(Long.MAX_VALUE, Integer.MAX_VALUE)).containsExactlyElementsOf(memory.timers());
      assertThat(kv.clock()).isEqualTo(memory.clock());
    }
  }

  @Test
  void outcomesAndDeadLettersGoToTheSourcePartition() {
    var outcome = new Outcome("e-1", "StockReceived", "sku-1", "r-1", Decision.RECEIVED, null, 1, 1, 0, null,
        false, T0, new Position(7, 42).token());
    assertThat(ProjectorTopology.outcomePartition().partitions("t", "sku-1", outcome, 12)).contains(java.util.Set.of(7));
    DeadLetter letter = DeadLetter.of("bad", "t", 5, 3, 0, null, new byte[] {1}, 10);
    assertThat(ProjectorTopology.deadLetterPartition().partitions("t", null, letter, 12)).contains(java.util.Set.of(5));
  }
}
