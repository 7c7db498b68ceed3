package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderPlaced;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.StockLevel;
import io.stocklog.json.Json;
import io.stocklog.json.JsonSerde;
import io.stocklog.local.LocalStack;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.ReplayListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
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

/**
 * Orders of several lines appended straight to Kafka while the projector process decides them, killed with SIGKILL
 * in the middle (its transaction open: line commands and reports appended in it are aborted with it) and started
 * again on the same state: every order is decided once, none twice, none lost; the units reserved are exactly the
 * held orders' lines; the offline fold of the log publishes exactly what the projector published; and the
 * invariant checker finds nothing (the read model against the fold, and no line disagreeing with its order).
 */
@WithInfra
class OrdersHardKillTest {

  private static final List<String> SKUS = List.of("KO-1", "KO-2", "KO-3");
  private static final int ORDERS = 150;

  private final List<OrderOutcome> orders = new ArrayList<>();
  private final List<Outcome> outcomes = new ArrayList<>();

  @Test
  void ordersDecidedAcrossAHardKillAreDecidedOnceAndAReplayAgrees(TestKafka kafka) throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "orders-kill", 3)
        .withoutProjector()
        .env("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000");
    try (LocalStack stack = LocalStack.start(options);
        KafkaProducer<String, byte[]> producer = producer(stack);
        KafkaConsumer<byte[], byte[]> consumer = consumer(stack)) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      String events = stack.topics().events();
      Instant t = Instant.now();
      for (String sku : SKUS) {
        producer.send(new ProducerRecord<>(events, sku, EventCodec.encode(Events.received(sku, "r-" + sku, 10, t))));
      }
      Random random = new Random(9);
      List<OrderPlaced> placed = IntStream.range(0, ORDERS).mapToObj(i -> {
        List<OrderPlaced.Line> lines = new ArrayList<>();
        for (int l = 0, n = 2 + random.nextInt(2); l < n; l++) {
          lines.add(new OrderPlaced.Line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(2)));
        }
        return Events.placed("kill-order-" + i, 600, lines, t);
      }).toList();

      ProjectorProcess first = ProjectorProcess.start(stack.joiningEnvironment(), "orders-before-kill");
      ProjectorProcess second = null;
      try {
        first.awaitReady(client, Duration.ofSeconds(90));
        Thread writer = Thread.ofPlatform().start(() -> {
          for (OrderPlaced o : placed) {
            producer.send(new ProducerRecord<>(events, o.orderId(), EventCodec.encode(o)));
            try {
              Thread.sleep(15);
            } catch (InterruptedException e) {
              return;
            }
          }
          producer.flush();
        });
        await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
          poll(consumer);
          return orders.stream().filter(o -> o.status() != OrderStatus.PENDING).count() >= 20;
        });
        assertThat(first.kill()).as("exit code of a process killed by SIGKILL").isEqualTo(137);
        second = ProjectorProcess.start(stack.joiningEnvironment(), "orders-after-kill");
        second.awaitReady(client, Duration.ofSeconds(90));
        writer.join();
        await().atMost(Duration.ofSeconds(120)).pollInSameThread().until(() -> {
          poll(consumer);
          return placed.stream().allMatch(p -> orders.stream()
              .anyMatch(o -> o.eventId().equals(p.eventId()) && o.status() != OrderStatus.PENDING));
        });
      } catch (AssertionError | RuntimeException e) {
        ProjectorProcess.printTails(first, second);
        throw e;
      } finally {
        ProjectorProcess.closeAll(first, second);
      }
      poll(consumer);

      // Each order answered once (read_committed: what the killed transaction wrote was never seen).
      Map<String, Long> heldLines = new HashMap<>();
      for (OrderPlaced p : placed) {
        List<OrderOutcome> answers = orders.stream().filter(o -> o.eventId().equals(p.eventId())).toList();
        assertThat(answers).as("answers to " + p.orderId()).hasSize(2);
        assertThat(answers.getFirst().decision()).as("PENDING first").isEqualTo(Decision.PENDING);
        OrderOutcome answer = answers.get(1);
        assertThat(answer.decision()).isIn(Decision.HELD, Decision.REJECTED);
        if (answer.status() == OrderStatus.HELD) {
          answer.lines().forEach(l -> heldLines.merge(l.sku(), l.quantity(), Long::sum));
        }
      }
      assertThat(heldLines).as("some orders held").isNotEmpty();

      // The offline fold of the log: the same stock, the same outcomes, SKU and order.
      List<Outcome> replayed = new ArrayList<>();
      List<OrderOutcome> replayedOrders = new ArrayList<>();
      LogReplay replay = LogReplay.of(stack.bootstrapServers(), events);
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
      Map<String, StockLevel> stock = new HashMap<>();
      result.folds().values().forEach(f -> stock.putAll(f.state().stockLevels()));
      for (String sku : SKUS) {
        assertThat(stock.get(sku).reserved()).as("reserved of " + sku).isEqualTo(heldLines.getOrDefault(sku, 0L))
            .isLessThanOrEqualTo(10);
      }
      assertThat(orders).as("order outcomes published, and replayed").containsExactlyInAnyOrderElementsOf(replayedOrders);
      assertThat(outcomes).as("SKU outcomes published, and replayed").containsExactlyInAnyOrderElementsOf(replayed);
      // The brief's invariants, the orders' among them: no line disagrees with its decided order.
      Invariants.assertHold(stack.bootstrapServers(), stack.topics(), FaultCheck.readModel(stack), java.util.Set.of());
    }
  }

  private void poll(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      if (r.headers().lastHeader(OrderOutcome.HEADER) != null) {
        orders.add(Json.MAPPER.readValue(r.value(), OrderOutcome.class));
      } else {
        outcomes.add(JsonSerde.of(Outcome.class).deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(LocalStack stack) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
  }

  /** A read_committed consumer of every partition of the stack's outcomes topic, from its start. */
  static KafkaConsumer<byte[], byte[]> consumer(LocalStack stack) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = IntStream.range(0, stack.topics().partitions())
        .mapToObj(p -> new TopicPartition(stack.topics().outcomes(), p)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
