package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole projector process against a real broker: exactly-once, log order, ticks, restart. */
@WithInfra
class ProjectorBrokerTest {

  private static final Logger log = LoggerFactory.getLogger(ProjectorBrokerTest.class);
  private static final int PARTITIONS = 4;
  private static final String HOT = "hot-sku";

  @TempDir
  Path stateDir;

  /** Where each appended event landed, in append order (a redelivered event appears twice). */
  private final List<Position> appended = new ArrayList<>();
  private final List<ConsumerRecord<String, Outcome>> outcomes = new ArrayList<>();

  @Test
  void decidesEveryEventOnceInLogOrderExpiresQuietHoldsAndSurvivesARestart(TestKafka kafka) throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(PARTITIONS);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("projector"),
        stateDir, Duration.ofSeconds(1), Duration.ofDays(7), 1, Duration.ofMillis(100));

    try (KafkaProducer<String, byte[]> producer = producer(kafka);
        KafkaConsumer<String, Outcome> consumer = consumer(kafka, topics)) {
      // 1. A rush on one SKU, appended before the projector runs: exactly the first 50 requests are held.
      Instant t = Instant.now();
      List<Event> rush = new ArrayList<>();
      rush.add(Events.received(HOT, "r-1", 30, t));
      rush.add(Events.received(HOT, "r-2", 20, t));
      IntStream.range(0, 200).forEach(i -> rush.add(Events.requested(HOT, "o-" + i, 1, 600, t)));
      List<Position> rushAt = append(producer, topics, rush);

      long started = System.nanoTime();
      Projector projector = Projector.start(config);
      try {
        awaitOutcomes(consumer, rushAt, Duration.ofSeconds(30));
        log.info("first run: {} events decided {} ms after start", rush.size(), millisSince(started));
        assertThat(projector.ready()).isTrue();
        Map<Decision, Long> decisions = outcomesAt(rushAt).stream()
            .filter(o -> o.eventType().equals("ReservationRequested"))
            .collect(Collectors.groupingBy(Outcome::decision, Collectors.counting()));
        assertThat(decisions).containsExactlyInAnyOrderEntriesOf(Map.of(Decision.HELD, 50L, Decision.REJECTED, 150L));
        assertThat(outcomesAt(rushAt)).filteredOn(Outcome::rejected).extracting(Outcome::reason)
            .containsOnly(Reason.OUT_OF_STOCK);
        assertThat(outcomesAt(rushAt.subList(2, 52))).extracting(Outcome::decision).containsOnly(Decision.HELD);
        for (int i = 0; i < rush.size(); i++) {
          Outcome o = outcomesAt(rushAt).get(i);
          assertThat(o.eventId()).isEqualTo(rush.get(i).eventId());
          assertThat(o.position()).isEqualTo(rushAt.get(i).token());
        }
        for (ConsumerRecord<String, Outcome> r : outcomes) {
          assertThat(r.partition()).isEqualTo(Position.parse(r.value().position()).partition());
          assertThat(r.key()).isEqualTo(HOT);
        }

        // 2. A one-second hold on a SKU alone in its partition expires by the ticks alone.
        String quiet = skuOutsidePartitionOf(HOT);
        Instant requestedAt = Instant.now();
        List<Event> quietEvents = List.of(
            Events.received(quiet, "r-q", 5, requestedAt), Events.requested(quiet, "o-q", 2, 1, requestedAt));
        List<Position> quietAt = append(producer, topics, quietEvents);
        Instant deadline = requestedAt.plusSeconds(1);
        await().atMost(Duration.ofSeconds(10)).pollInSameThread().pollInterval(Duration.ofMillis(10))
            .until(() -> {
              poll(consumer);
              return outcomes.stream().anyMatch(r -> r.value().decision() == Decision.EXPIRED);
            });
        Outcome expired = outcomes.stream().map(ConsumerRecord::value)
            .filter(o -> o.decision() == Decision.EXPIRED).findFirst().orElseThrow();
        log.info("quiet hold expired: seen {} ms after its deadline, decided at log time deadline + {} ms",
            Duration.between(deadline, Instant.now()).toMillis(),
            Duration.between(deadline, expired.decidedAt()).toMillis());
        assertThat(expired.sku()).isEqualTo(quiet);
        assertThat(expired.subjectId()).isEqualTo("o-q");
        assertThat(expired.eventType()).isEqualTo("ClockTick");
        assertThat(expired.reserved()).isZero();
        assertThat(outcomesAt(quietAt)).extracting(Outcome::decision)
            .containsExactly(Decision.RECEIVED, Decision.HELD);
      } finally {
        projector.close();
      }

      // 3. A new instance with the same application ID and state directory carries on where it stopped.
      List<Event> after = new ArrayList<>();
      Instant t3 = Instant.now();
      IntStream.range(0, 10).forEach(i -> after.add(Events.confirmed(HOT, "o-" + i, t3)));
      IntStream.range(10, 20).forEach(i -> after.add(Events.cancelled(HOT, "o-" + i, t3)));
      IntStream.range(200, 215).forEach(i -> after.add(Events.requested(HOT, "o-" + i, 1, 600, t3)));
      after.add(rush.get(0));
      started = System.nanoTime();
      List<Position> afterAt;
      try (Projector restarted = Projector.start(config)) {
        afterAt = append(producer, topics, after);
        awaitOutcomes(consumer, afterAt, Duration.ofSeconds(30));
        assertThat(restarted.ready()).isTrue();
        log.info("second run: {} events decided {} ms after start", after.size(), millisSince(started));
      }
      List<Outcome> next = outcomesAt(afterAt);
      assertThat(next.subList(0, 20)).extracting(Outcome::decision)
          .containsExactlyElementsOf(IntStream.range(0, 20)
              .mapToObj(i -> i < 10 ? Decision.CONFIRMED : Decision.CANCELLED).toList());
      assertThat(next.subList(20, 35)).extracting(Outcome::decision)
          .containsExactlyElementsOf(IntStream.range(0, 15)
              .mapToObj(i -> i < 10 ? Decision.HELD : Decision.REJECTED).toList());
      assertThat(next.get(35).duplicate()).isTrue();

      // Nothing lost, nothing twice: one outcome per appended record (a redelivered event is two records,
      // its event ID twice), at most one expiry per hold.
      Map<String, Long> perRecord = outcomes.stream().map(ConsumerRecord::value)
          .filter(o -> o.decision() != Decision.EXPIRED)
          .collect(Collectors.groupingBy(Outcome::position, Collectors.counting()));
      assertThat(perRecord.keySet())
          .containsExactlyInAnyOrderElementsOf(appended.stream().map(Position::token).toList());
      assertThat(perRecord).allSatisfy((position, n) -> assertThat(n).isOne());
      Map<String, Long> perEventId = outcomes.stream().map(ConsumerRecord::value)
          .filter(o -> o.decision() != Decision.EXPIRED)
          .collect(Collectors.groupingBy(Outcome::eventId, Collectors.counting()));
      assertThat(perEventId).hasSize(appended.size() - 1)
          .allSatisfy((id, n) -> assertThat(n).isEqualTo(id.equals(rush.get(0).eventId()) ? 2 : 1));
      assertThat(outcomes.stream().map(ConsumerRecord::value).filter(o -> o.decision() == Decision.EXPIRED)
          .map(o -> o.sku() + "/" + o.subjectId())).doesNotHaveDuplicates();
    }
  }

  /** Appends {@code events} keyed by SKU and returns where each landed. */
  private List<Position> append(KafkaProducer<String, byte[]> producer, TopicSettings topics, List<Event> events)
      throws ExecutionException, InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Event e : events) {
      sent.add(producer.send(new ProducerRecord<>(topics.events(), ((SkuEvent) e).sku(), EventCodec.encode(e))));
    }
    List<Position> at = new ArrayList<>();
    for (Future<RecordMetadata> f : sent) {
      RecordMetadata m = f.get();
      at.add(new Position(m.partition(), m.offset()));
    }
    appended.addAll(at);
    return at;
  }

  private void awaitOutcomes(KafkaConsumer<String, Outcome> consumer, List<Position> at, Duration atMost) {
    await().atMost(atMost).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
      poll(consumer);
      return outcomesAt(at).size() == at.size();
    });
  }

  /** The outcome (not an expiry) of the event at each position, in the order of the list. */
  private List<Outcome> outcomesAt(List<Position> at) {
    Map<String, Outcome> byPosition = outcomes.stream().map(ConsumerRecord::value)
        .filter(o -> o.decision() != Decision.EXPIRED)
        .collect(Collectors.toMap(Outcome::position, Function.identity(), (a, b) -> a, HashMap::new));
    return at.stream().map(p -> byPosition.get(p.token())).filter(java.util.Objects::nonNull).toList();
  }

  private void poll(KafkaConsumer<String, Outcome> consumer) {
    consumer.poll(Duration.ofMillis(100)).forEach(outcomes::add);
  }

  private static String skuOutsidePartitionOf(String sku) {
    int hot = partitionOf(sku);
    for (int i = 0; ; i++) {
      String candidate = "quiet-" + i;
      if (partitionOf(candidate) != hot) {
        return candidate;
      }
    }
  }

  private static int partitionOf(String sku) {
    return Utils.toPositive(Utils.murmur2(sku.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static KafkaProducer<String, byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, Outcome> consumer(TestKafka kafka, TopicSettings topics) {
    KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), JsonSerde.of(Outcome.class).deserializer());
    List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
        .mapToObj(p -> new TopicPartition(topics.outcomes(), p)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
