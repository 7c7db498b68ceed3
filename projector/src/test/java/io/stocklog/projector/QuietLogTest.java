package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
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
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log grows only with work, against a real broker: a running projector with nothing due appends nothing to
 * the events topic, however long it runs; a hold due on a quiet partition costs one tick, and it expires; after
 * that, nothing again.
 */
@WithInfra
class QuietLogTest {

  private static final Logger log = LoggerFactory.getLogger(QuietLogTest.class);
  private static final Duration CHECK = Duration.ofMillis(200);

  @TempDir
  Path stateDir;

  @Test
  void aProjectorAppendsNothingWhileNothingIsDueAndOneTickForAHoldDueOnAQuietPartition(TestKafka kafka)
      throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(4);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("quiet"),
        stateDir, CHECK, Duration.ofDays(7), 1, Duration.ofMillis(100));
    try (Projector projector = Projector.start(config);
        KafkaConsumer<String, Outcome> outcomes = outcomesConsumer(kafka, topics)) {
      Instant now = Instant.now();
      append(kafka, topics, List.of(Events.received("quiet-sku", "r-1", 5, now),
          Events.requested("quiet-sku", "o-long", 1, 3_600, now)));
      List<Outcome> seen = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> poll(outcomes, seen).size() >= 2);
      long appended = total(kafka, topics);

      // 1. Nothing due (the only hold runs for an hour): twenty-five checks, and not a record appended.
      Thread.sleep(25 * CHECK.toMillis());
      assertThat(total(kafka, topics) - appended).as("records appended while nothing was due").isZero();

      // 2. A two-second hold on the same quiet partition: one tick when it is due, and it expires.
      Instant requested = Instant.now();
      append(kafka, topics, List.of(Events.requested("quiet-sku", "o-short", 1, 2, requested)));
      long beforeDue = total(kafka, topics);
      await().atMost(Duration.ofSeconds(30)).until(() -> poll(outcomes, seen).stream()
          .anyMatch(o -> o.decision() == Decision.EXPIRED));
      long expiredAfterMs = Duration.between(requested.plusSeconds(2), Instant.now()).toMillis();
      Outcome expired = seen.stream().filter(o -> o.decision() == Decision.EXPIRED).findFirst().orElseThrow();
      assertThat(expired.subjectId()).isEqualTo("o-short");
      assertThat(expired.eventType()).as("expired by a tick").isEqualTo("ClockTick");
      assertThat(total(kafka, topics) - beforeDue).as("records appended for the one hold due: one tick").isEqualTo(1);

      // 3. And nothing again.
      Thread.sleep(25 * CHECK.toMillis());
      assertThat(total(kafka, topics) - beforeDue).as("records appended after it").isEqualTo(1);
      log.info("quiet partition: hold expired and seen {} ms after its deadline, with a check every {} ms",
          expiredAfterMs, CHECK.toMillis());
    }
  }

  private static long total(TestKafka kafka, TopicSettings topics) throws Exception {
    try (Admin admin = kafka.newAdmin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      IntStream.range(0, topics.partitions())
          .forEach(p -> latest.put(new TopicPartition(topics.events(), p), OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }
  }

  private static void append(TestKafka kafka, TopicSettings topics, List<SkuEvent> events) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (SkuEvent e : events) {
        producer.send(new ProducerRecord<>(topics.events(), e.sku().getBytes(StandardCharsets.UTF_8),
            EventCodec.encode(e))).get();
      }
    }
  }

  private static KafkaConsumer<String, Outcome> outcomesConsumer(TestKafka kafka, TopicSettings topics) {
    KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
        JsonSerde.of(Outcome.class).deserializer());
    List<TopicPartition> partitions = IntStream.range(0, topics.partitions())
        .mapToObj(p -> new TopicPartition(topics.outcomes(), p)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static List<Outcome> poll(KafkaConsumer<String, Outcome> consumer, List<Outcome> seen) {
    for (ConsumerRecord<String, Outcome> r : consumer.poll(Duration.ofMillis(100))) {
      seen.add(r.value());
    }
    return seen;
  }
}
