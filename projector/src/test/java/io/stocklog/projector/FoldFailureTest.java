package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.Reservation;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The failure policy for a bug: when the fold throws on a record, the projector stops there, visibly, instead
 * of replacing its thread to fail on the same record forever. The bug is simulated the way one would show up:
 * a state that breaks the rules (a held reservation that the SKU's counters do not account for), restored from
 * the changelog as a task's state is, so confirming it makes the counters negative and the fold throw.
 */
@WithInfra
class FoldFailureTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void aRecordTheFoldThrowsOnStopsTheProjectorThereSaysWhereOnceAndCommitsNothingPastIt(TestKafka kafka)
      throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(1);
    String app = kafka.uniqueName("failing");
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
      admin.createTopics(List.of(new NewTopic(StateSeed.changelog(app, KeyValueInventoryStore.RESERVATIONS), 1,
          (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all().get();
    }
    Reservation corrupt = new Reservation("sku-bad", "o-1", 5, 600, ReservationStatus.HELD, null,
        // Due long after any tick of the test: only the confirm below touches it.
        T0.plus(Duration.ofDays(3_650)).toEpochMilli(), T0.toEpochMilli());
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      producer.send(new ProducerRecord<>(StateSeed.changelog(app, KeyValueInventoryStore.RESERVATIONS), 0,
          StateCodec.reservationKey("sku-bad", "o-1"), StateCodec.encode(corrupt))).get();
    }
    ch.qos.logback.classic.Logger decideLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DecideProcessor.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    decideLog.addAppender(lines);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, app, stateDir,
        Duration.ofMinutes(10), Duration.ofDays(7), 1, Duration.ofMillis(100));
    try (Projector projector = Projector.start(config, metrics)) {
      long decided = append(kafka, topics, List.of(Events.received("sku-good", "r-1", 3, T0))).get(0);
      await("the first event decided and committed").atMost(Duration.ofSeconds(60))
          .until(() -> outcomes(kafka, topics).size() == 1);
      long failing = append(kafka, topics, List.of(
          Events.confirmed("sku-bad", "o-1", T0.plusSeconds(1)),      // the fold throws on it
          Events.received("sku-good", "r-2", 4, T0.plusSeconds(2)))) // never reached
          .get(0);
      await("the projector stopped by the failure").atMost(Duration.ofSeconds(60))
          .until(() -> projector.state() == KafkaStreams.State.ERROR);
      // Long enough for a replaced thread to have failed again, had the thread been replaced.
      Thread.sleep(2_000);

      assertThat(projector.failure()).hasValueSatisfying(reason -> assertThat(reason)
          .contains("position 0-" + failing).contains("invariant broken for sku-bad"));
      assertThat(projector.ready()).isFalse();
      assertThat(metrics.get("stocklog.projector.fold.failures").counter().count()).isEqualTo(1.0);
      assertThat(lines.list).filteredOn(l -> l.getLevel() == Level.ERROR)
          .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
          .contains("position=0-" + failing).contains("event_id=");
      assertThat(outcomes(kafka, topics)).extracting(Outcome::position).containsExactly("0-" + decided);
      try (Admin admin = kafka.newAdmin()) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata events = committed.get(new TopicPartition(topics.events(), 0));
        assertThat(events.offset()).as("committed offset of the events partition: the failing record's")
            .isEqualTo(failing);
      }
    } finally {
      decideLog.detachAppender(lines);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Appends in order; returns each event's offset. */
  private static List<Long> append(TestKafka kafka, TopicSettings topics, List<Event> events) throws Exception {
    List<Long> offsets = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (Event e : events) {
        byte[] key = e instanceof SkuEvent s ? bytes(s.sku()) : null;
        offsets.add(producer.send(new ProducerRecord<>(topics.events(), 0, key, EventCodec.encode(e))).get().offset());
      }
    }
    return offsets;
  }

  private static List<Outcome> outcomes(TestKafka kafka, TopicSettings topics) {
    List<Outcome> seen = new ArrayList<>();
    try (KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
        JsonSerde.of(Outcome.class).deserializer())) {
      TopicPartition tp = new TopicPartition(topics.outcomes(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, Outcome> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
      }
    }
    return seen;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
