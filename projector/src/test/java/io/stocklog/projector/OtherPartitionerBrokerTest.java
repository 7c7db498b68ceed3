package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.StockLevel;
import io.stocklog.json.Json;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.HomePartition;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.PartitionFold;
import io.stocklog.verify.ReplayListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two upstream producers of the same SKU and order against a real broker: a Java one (murmur2, the home partition)
 * and one partitioning as librdkafka does by default ({@link Crc32Partitioner}), whose records for the SKU and the
 * order land in another partition. The projector forwards each of those to its home exactly once and decides it
 * there, in the home's serial order: every event is decided once, at home; the SKU has one stock level, as if every
 * record had been produced home (holds counted against all of the stock, one refused); the order placed from the
 * other client is decided and confirmed by its coordinator; nothing is dead-lettered; and the offline fold of the
 * log agrees with every outcome.
 */
@WithInfra
class OtherPartitionerBrokerTest {

  private static final int PARTITIONS = 4;

  @TempDir
  Path stateDir;

  private final List<Outcome> outcomes = new ArrayList<>();
  private final List<OrderOutcome> orders = new ArrayList<>();

  @Test
  void recordsFromALibrdkafkaPartitionerAreForwardedHomeAndDecidedThereOnce(TestKafka kafka) throws Exception {
    String sku = keyAwayFromHome("crc-sku-");
    String other = "java-sku";
    String orderId = keyAwayFromHome("crc-order-");
    int skuHome = HomePartition.of(sku, PARTITIONS);
    int orderHome = HomePartition.of(orderId, PARTITIONS);
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(PARTITIONS);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("projector"),
        stateDir, Duration.ofSeconds(1), Duration.ofDays(7), 1, Duration.ofMillis(100));
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Instant t = Instant.now();

    List<Event> home = List.of(
        Events.received(sku, "r-java", 5, t),
        Events.received(other, "r-other", 3, t),
        Events.requested(sku, "hold-java", 4, 600, t));
    List<Event> away = List.of(
        Events.received(sku, "r-crc", 5, t),
        Events.requested(sku, "hold-crc-1", 4, 600, t),
        Events.requested(sku, "hold-crc-2", 4, 600, t));
    OrderPlaced placed = Events.placed(orderId, 600, List.of(new OrderPlaced.Line(sku, 1),
        new OrderPlaced.Line(other, 1)), t);
    Event confirmed = Events.orderConfirmed(orderId, t);
    Map<Position, Integer> sentAway = new LinkedHashMap<>();

    try (Projector projector = Projector.start(config, metrics);
        KafkaProducer<String, byte[]> java = producer(kafka, null);
        KafkaProducer<String, byte[]> crc = producer(kafka, Crc32Partitioner.class);
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topics.outcomes())) {
      // Interleaved: each client's records in its own order, the other client's between them.
      for (int i = 0; i < home.size(); i++) {
        send(java, topics, home.get(i));
        sentAway.put(send(crc, topics, away.get(i)), skuHome);
      }
      sentAway.put(send(crc, topics, placed), orderHome);
      awaitDecided(consumer, List.of(placed));
      assertThat(answer(placed).status()).as("the order placed from the other client").isEqualTo(OrderStatus.HELD);
      sentAway.put(send(crc, topics, confirmed), orderHome);
      awaitDecided(consumer, List.of(confirmed));
      assertThat(answer(confirmed).decision()).isEqualTo(Decision.CONFIRMED);
      List<Event> skuEvents = new ArrayList<>(home);
      skuEvents.addAll(away);
      awaitDecided(consumer, skuEvents);

      sentAway.forEach((at, itsHome) -> assertThat(at.partition()).as("the other client put it outside its home")
          .isNotEqualTo(itsHome));
      for (Event e : skuEvents) {
        List<Outcome> decided = outcomes.stream().filter(o -> o.eventId().equals(e.eventId())).toList();
        assertThat(decided).as("decisions of " + e.eventId()).hasSize(1);
        assertThat(Position.parse(decided.getFirst().position()).partition()).as("decided at home")
            .isEqualTo(HomePartition.of(((SkuEvent) e).sku(), PARTITIONS));
      }
      assertThat(Position.parse(answer(placed).position()).partition()).isEqualTo(orderHome);
      // One serial writer of the SKU: 10 received from two clients, three holds of 4, so exactly one is refused.
      List<Outcome> holds = outcomes.stream().filter(o -> o.eventType().equals("ReservationRequested")).toList();
      assertThat(holds).extracting(Outcome::decision)
          .containsExactlyInAnyOrder(Decision.HELD, Decision.HELD, Decision.REJECTED);
      assertThat(holds).filteredOn(o -> o.decision() == Decision.REJECTED).extracting(Outcome::reason)
          .containsExactly(Reason.OUT_OF_STOCK);
      assertThat(metrics.get("stocklog.projector.forwarded").counter().count())
          .as("forwards counted").isGreaterThanOrEqualTo(sentAway.size());
    }

    // The log: each record from the other client twice, where it landed and once at home naming where it came from.
    List<ConsumerRecord<byte[], byte[]>> log = readAll(kafka, topics.events());
    for (Position at : sentAway.keySet()) {
      List<ConsumerRecord<byte[], byte[]>> copies = log.stream()
          .filter(r -> r.headers().lastHeader(HomePartition.FORWARDED_FROM_HEADER) != null
              && new String(r.headers().lastHeader(HomePartition.FORWARDED_FROM_HEADER).value(),
                  StandardCharsets.UTF_8).equals(at.token()))
          .toList();
      assertThat(copies).as("copies of " + at.token()).hasSize(1);
      ConsumerRecord<byte[], byte[]> original = log.stream()
          .filter(r -> r.partition() == at.partition() && r.offset() == at.offset()).findFirst().orElseThrow();
      assertThat(copies.getFirst().value()).as("byte for byte").isEqualTo(original.value());
      assertThat(copies.getFirst().partition()).isEqualTo(HomePartition.of(HomePartition.hash(original.key()),
          PARTITIONS));
    }
    assertThat(readAll(kafka, topics.deadLetters())).as("nothing dead-lettered").isEmpty();

    // The offline fold of the log: every outcome published (read again, to the end), and the SKU's stock in its
    // home partition alone.
    outcomes.clear();
    orders.clear();
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, topics.outcomes())) {
      read(r);
    }
    List<Outcome> replayed = new ArrayList<>();
    List<OrderOutcome> replayedOrders = new ArrayList<>();
    LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topics.events());
    LogReplay.Result<InMemoryInventoryStore> result = replay.replay(replay.lastOffsets(), new ReplayListener() {
      @Override
      public void outcome(Position at, Outcome outcome) {
        replayed.add(outcome);
      }

      @Override
      public void order(Position at, OrderOutcome outcome) {
        replayedOrders.add(outcome);
      }
    });
    assertThat(replayed).as("SKU outcomes, replayed").containsExactlyInAnyOrderElementsOf(outcomes);
    assertThat(replayedOrders).as("order outcomes, replayed").containsExactlyInAnyOrderElementsOf(orders);
    assertThat(result.folds().values().stream().mapToLong(PartitionFold::forwarded).sum())
        .as("the offline fold forwards them too, and drops the forwards").isEqualTo(sentAway.size());
    for (Map.Entry<Integer, PartitionFold<InMemoryInventoryStore>> f : result.folds().entrySet()) {
      StockLevel level = f.getValue().state().stock(sku);
      if (f.getKey() == skuHome) {
        assertThat(level.onHand()).as("received 10, one confirmed to the order").isEqualTo(9);
        assertThat(level.reserved()).as("two holds of 4").isEqualTo(8);
      } else {
        assertThat(level).as(sku + " in partition " + f.getKey()).isNull();
      }
    }
    assertThat(result.folds().get(HomePartition.of(other, PARTITIONS)).state().stock(other).onHand()).isEqualTo(2);
  }

  /** The first of {@code prefix}0, 1, ... that librdkafka's partitioner puts outside its murmur2 home. */
  private static String keyAwayFromHome(String prefix) {
    return IntStream.range(0, 100).mapToObj(i -> prefix + i)
        .filter(k -> Crc32Partitioner.partitionOf(k.getBytes(StandardCharsets.UTF_8), PARTITIONS)
            != HomePartition.of(k, PARTITIONS))
        .findFirst().orElseThrow();
  }

  private static Position send(KafkaProducer<String, byte[]> producer, TopicSettings topics, Event e)
      throws Exception {
    String key = e instanceof SkuEvent s ? s.sku() : ((OrderEvent) e).orderId();
    RecordMetadata m = producer.send(new ProducerRecord<>(topics.events(), key, EventCodec.encode(e))).get();
    return new Position(m.partition(), m.offset());
  }

  /** The one decision of {@code request} (a placing is first published PENDING, which decides nothing). */
  private OrderOutcome answer(Event request) {
    List<OrderOutcome> answers = orders.stream()
        .filter(o -> o.eventId().equals(request.eventId()) && o.decision() != Decision.PENDING).toList();
    assertThat(answers).as("answers to " + request.eventId()).hasSize(1);
    return answers.getFirst();
  }

  /** Until every event of {@code requests} has an outcome (an order's: past PENDING). */
  private void awaitDecided(KafkaConsumer<byte[], byte[]> consumer, List<Event> requests) {
    await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
      poll(consumer);
      return requests.stream().allMatch(e -> e instanceof OrderEvent
          ? orders.stream().anyMatch(o -> o.eventId().equals(e.eventId()) && o.status() != OrderStatus.PENDING)
          : outcomes.stream().anyMatch(o -> o.eventId().equals(e.eventId())));
    });
  }

  private void poll(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      read(r);
    }
  }

  private void read(ConsumerRecord<byte[], byte[]> r) throws Exception {
    if (r.headers().lastHeader(OrderOutcome.HEADER) != null) {
      orders.add(Json.MAPPER.readValue(r.value(), OrderOutcome.class));
    } else {
      outcomes.add(JsonSerde.of(Outcome.class).deserializer().deserialize(r.topic(), r.value()));
    }
  }

  private static KafkaProducer<String, byte[]> producer(TestKafka kafka, Class<?> partitioner) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    if (partitioner != null) {
      config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioner.getName());
    }
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(TestKafka kafka, String topic) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
        .mapToObj(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Every committed record of {@code topic}, partition by partition. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(TestKafka kafka, String topic) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topic)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }
}
