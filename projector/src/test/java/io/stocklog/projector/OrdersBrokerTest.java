package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.ReplayListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders of several lines appended straight to Kafka, as an upstream service may (keyed by order ID, the default
 * partitioner), decided by the projector against a real broker: many concurrent orders of 2 or 3 lines over 3 SKUs
 * of 10 units each, the projector stopped and started again in the middle of them. Every order is decided; the
 * units reserved are exactly the lines of the held orders; confirming and cancelling every held order leaves
 * nothing reserved; orders of a short hold expire by the ticks alone and leave nothing held; and the offline fold
 * of the log decides every outcome, SKU and order, exactly as the projector published it.
 */
@WithInfra
class OrdersBrokerTest {

  private static final int PARTITIONS = 4;
  private static final List<String> SKUS = List.of("cart-a", "cart-b", "cart-c");

  @TempDir
  Path stateDir;

  private final List<Outcome> outcomes = new ArrayList<>();
  private final List<OrderOutcome> orders = new ArrayList<>();

  @Test
  void concurrentOrdersAreDecidedAllOrNothingAcrossARestartAndAReplayAgrees(TestKafka kafka) throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(PARTITIONS);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("projector"),
        stateDir, Duration.ofMillis(200), Duration.ofDays(7), 1, Duration.ofMillis(100));
    Random random = new Random(14);
    Instant t = Instant.now();
    List<OrderPlaced> placed = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      List<OrderPlaced.Line> lines = new ArrayList<>();
      int n = 2 + random.nextInt(2);
      for (int l = 0; l < n; l++) {
        lines.add(new OrderPlaced.Line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(3)));
      }
      placed.add(Events.placed("cart-" + i, 600, lines, t));
    }

    try (KafkaProducer<String, byte[]> producer = producer(kafka);
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topics)) {
      for (String sku : SKUS) {
        send(producer, topics, Events.received(sku, "r-" + sku, 10, t));
      }
      producer.flush();
      // Half the orders, concurrently, while the projector runs; it stops once some are decided; the rest are
      // appended while it is down, and it starts again (restoring its stores, rebuilding the order deadlines).
      Projector projector = Projector.start(config);
      try {
        sendConcurrently(producer, topics, placed.subList(0, 40));
        await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
          poll(consumer);
          return orders.stream().filter(o -> o.status() != OrderStatus.PENDING).count() >= 10;
        });
      } finally {
        projector.close();
      }
      sendConcurrently(producer, topics, placed.subList(40, placed.size()));
      try (Projector restarted = Projector.start(config)) {
        awaitAnswered(consumer, placed);
        Map<String, OrderOutcome> decided = answers(placed);
        assertThat(decided.values()).extracting(OrderOutcome::status)
            .containsOnly(OrderStatus.HELD, OrderStatus.REJECTED)
            .contains(OrderStatus.HELD, OrderStatus.REJECTED);
        Map<String, Long> heldLines = new HashMap<>();
        for (OrderOutcome o : decided.values()) {
          if (o.status() == OrderStatus.HELD) {
            o.lines().forEach(l -> heldLines.merge(l.sku(), l.quantity(), Long::sum));
            assertThat(o.lines()).allSatisfy(l -> assertThat(l.status()).hasToString("HELD"));
          } else {
            assertThat(o.lines()).as("a rejected order reports its short lines with what was available")
                .anyMatch(l -> l.reason() != null && l.available() != null);
          }
        }
        Map<String, StockLevel> stock = replay(kafka, topics);
        for (String sku : SKUS) {
          assertThat(stock.get(sku).reserved()).as("reserved of " + sku)
              .isEqualTo(heldLines.getOrDefault(sku, 0L)).isLessThanOrEqualTo(10);
        }

        // Confirm every other held order, cancel the rest: nothing stays reserved.
        List<Event> ends = new ArrayList<>();
        Instant t2 = Instant.now();
        int k = 0;
        for (OrderOutcome o : decided.values()) {
          if (o.status() == OrderStatus.HELD) {
            ends.add(k++ % 2 == 0 ? Events.orderConfirmed(o.orderId(), t2) : Events.orderCancelled(o.orderId(), t2));
          }
        }
        sendConcurrently(producer, topics, ends);
        awaitAnswered(consumer, ends);
        Map<String, Long> confirmedLines = new HashMap<>();
        for (Event e : ends) {
          OrderOutcome answer = answer(e.eventId());
          assertThat(answer.decision()).isIn(Decision.CONFIRMED, Decision.CANCELLED);
          if (answer.decision() == Decision.CONFIRMED) {
            answer.lines().forEach(l -> confirmedLines.merge(l.sku(), l.quantity(), Long::sum));
          }
        }
        // The lines' own confirms and releases follow the order's decision through the log.
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
          Map<String, StockLevel> after = replay(kafka, topics);
          for (String sku : SKUS) {
            assertThat(after.get(sku).reserved()).isZero();
            assertThat(after.get(sku).onHand()).isEqualTo(10 - confirmedLines.getOrDefault(sku, 0L));
          }
        });

        // Orders of a one-second hold on fresh stock expire by the ticks alone, and leave nothing held.
        Instant t3 = Instant.now();
        List<Event> shortHolds = new ArrayList<>();
        for (String sku : SKUS) {
          shortHolds.add(Events.received(sku, "r2-" + sku, 5, t3));
        }
        List<OrderPlaced> brief = IntStream.range(0, 4).mapToObj(i -> Events.placed("brief-" + i, 1,
            List.of(new OrderPlaced.Line(SKUS.get(i % 3), 1), new OrderPlaced.Line(SKUS.get((i + 1) % 3), 1)), t3))
            .toList();
        shortHolds.addAll(brief);
        sendConcurrently(producer, topics, shortHolds);
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
          poll(consumer);
          return brief.stream().allMatch(b -> orders.stream()
              .anyMatch(o -> o.orderId().equals(b.orderId()) && o.decision() == Decision.EXPIRED));
        });
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
          Map<String, StockLevel> after = replay(kafka, topics);
          for (String sku : SKUS) {
            assertThat(after.get(sku).reserved()).as("nothing stranded on " + sku).isZero();
          }
        });
      }

      // The offline fold of the whole log decides exactly what the projector published.
      poll(consumer);
      List<Outcome> replayed = new ArrayList<>();
      List<OrderOutcome> replayedOrders = new ArrayList<>();
      LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topics.events());
      replay.replay(replay.lastOffsets(), new ReplayListener() {
        @Override
        public void outcome(Position at, Outcome outcome) {
          replayed.add(outcome);
        }

        @Override
        public void order(Position at, OrderOutcome outcome) {
          replayedOrders.add(outcome);
        }
      });
      assertThat(orders).as("order outcomes, published and replayed").hasSizeGreaterThan(placed.size())
          .containsExactlyInAnyOrderElementsOf(replayedOrders);
      assertThat(outcomes).as("SKU outcomes, published and replayed").containsExactlyInAnyOrderElementsOf(replayed);
      assertThat(orders.stream().map(o -> o.position() + "/" + o.orderId() + "/" + o.eventId() + "/" + o.decision()))
          .as("nothing decided twice").doesNotHaveDuplicates();
    }
  }

  private Map<String, OrderOutcome> answers(List<? extends Event> requests) {
    Map<String, OrderOutcome> byOrder = new HashMap<>();
    for (Event e : requests) {
      OrderOutcome answer = answer(e.eventId());
      byOrder.put(answer.orderId(), answer);
    }
    return byOrder;
  }

  private OrderOutcome answer(String eventId) {
    List<OrderOutcome> answers = orders.stream()
        .filter(o -> o.eventId().equals(eventId) && o.decision() != Decision.EXPIRED).toList();
    if (!answers.isEmpty() && answers.getFirst().eventType().equals(OrderPlaced.TYPE)) {
      // A new order is PENDING first, once, and then decided.
      assertThat(answers.getFirst().decision()).as("first word on " + eventId).isEqualTo(Decision.PENDING);
      answers = answers.subList(1, answers.size());
    }
    assertThat(answers).as("answers to " + eventId).hasSize(1);
    return answers.getFirst();
  }

  private void awaitAnswered(KafkaConsumer<byte[], byte[]> consumer, List<? extends Event> requests) {
    await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
      poll(consumer);
      return requests.stream().allMatch(e -> orders.stream()
          .anyMatch(o -> o.eventId().equals(e.eventId()) && o.status() != OrderStatus.PENDING));
    });
  }

  /** Every SKU's stock as the offline fold of the whole committed log leaves it. */
  private static Map<String, StockLevel> replay(TestKafka kafka, TopicSettings topics) {
    LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topics.events());
    LogReplay.Result<InMemoryInventoryStore> result = replay.replay(replay.lastOffsets(), ReplayListener.ignoring());
    Map<String, StockLevel> stock = new HashMap<>();
    result.folds().values().forEach(f -> stock.putAll(f.state().stockLevels()));
    return stock;
  }

  private static void sendConcurrently(KafkaProducer<String, byte[]> producer, TopicSettings topics,
      List<? extends Event> events) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (Event e : events) {
        sent.add(pool.submit(() -> {
          send(producer, topics, e);
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    producer.flush();
  }

  private static void send(KafkaProducer<String, byte[]> producer, TopicSettings topics, Event e) {
    String key = e instanceof SkuEvent s ? s.sku() : ((OrderEvent) e).orderId();
    producer.send(new ProducerRecord<>(topics.events(), key, EventCodec.encode(e)));
  }

  private void poll(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      if (r.headers().lastHeader(OrderOutcome.HEADER) != null) {
        OrderOutcome o = Json.MAPPER.readValue(r.value(), OrderOutcome.class);
        assertThat(r.partition()).isEqualTo(Position.parse(o.position()).partition());
        orders.add(o);
      } else {
        outcomes.add(JsonSerde.of(Outcome.class).deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(TestKafka kafka, TopicSettings topics) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
        .mapToObj(p -> new TopicPartition(topics.outcomes(), p)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
