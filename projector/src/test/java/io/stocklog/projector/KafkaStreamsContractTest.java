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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the projector relies on in Kafka Streams beyond what its documentation promises, held to the real thing
 * so that a Kafka upgrade that changes it fails here, loudly, instead of in a rebuild or a redeploy:
 * <ul>
 *   <li>{@link StateSeed} writes a new application's changelogs itself: their names must be the ones Streams
 *       creates for the projector's stores, Streams must restore the stores from them with the stores' serdes,
 *       and the application must resume at the offsets committed for its group;
 *   <li>a closed {@link Projector} must leave its group at once, not hold its partitions until its session times
 *       out. It did so through the internal consumer setting {@code internal.leave.group.on.close} until Kafka
 *       4.1; in 4.3 that setting no longer had the effect (this test caught it) and the projector closes with the
 *       public {@code CloseOptions} LEAVE_GROUP instead.
 * </ul>
 */
@WithInfra
class KafkaStreamsContractTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void streamsNamesTheChangelogsAsTheStateSeedWritesThem(TestKafka kafka) throws Exception {
    TopicSettings topics = topics(kafka);
    ProjectorConfig config = config(kafka, topics, kafka.uniqueName("named"), Duration.ofSeconds(45));
    try (Projector projector = Projector.start(config)) {
      awaitRunning(projector);
      // A task creates its changelog topics when it starts; these events write a record into each of them.
      append(kafka, topics, List.of(Events.received("sku-a", "r-1", 5, T0),
          Events.requested("sku-a", "o-1", 1, 60, T0)));
      try (Admin admin = kafka.newAdmin()) {
        await("the projector's changelog topics").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(admin.listTopics().names().get())
                .filteredOn(t -> t.startsWith(config.applicationId() + "-"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(KeyValueInventoryStore.storeNames())
                    .map(store -> StateSeed.changelog(config.applicationId(), store)).toList()));
      }
    }
  }

  @Test
  void anApplicationSeededByTheStateSeedRestoresItsStateAndResumesWhereTheSeedEnded(TestKafka kafka)
      throws Exception {
    TopicSettings topics = topics(kafka);
    ProjectorConfig config = config(kafka, topics, kafka.uniqueName("seeded"), Duration.ofSeconds(45));
    String sku = "sku-seeded";
    // The prefix the seed folds: 10 received, 3 held for o-1 until well after the events below.
    append(kafka, topics, List.of(Events.received(sku, "r-1", 10, T0), Events.requested(sku, "o-1", 3, 3_600, T0)));
    int partition = partitionOf(kafka, topics, sku);
    long seededEnd;
    try (Admin admin = kafka.newAdmin()) {
      seededEnd = admin.listOffsets(Map.of(new TopicPartition(topics.events(), partition),
          org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
          .get(new TopicPartition(topics.events(), partition)).offset();
    }
    Map<Integer, Long> end = new java.util.TreeMap<>();
    for (int p = 0; p < topics.partitions(); p++) {
      end.put(p, p == partition ? seededEnd : 0L);
    }
    StateSeed.seed(config, end, chunk -> { }, ProjectorOptions.Progress.NONE);

    // After the seed: o-1 confirmed is only CONFIRMED if the held reservation was restored; 8 more cannot be
    // held from the 7 left on hand if the counters were restored; no outcome of the seeded prefix may appear.
    append(kafka, topics, List.of(Events.confirmed(sku, "o-1", T0.plusSeconds(1)),
        Events.requested(sku, "o-2", 8, 60, T0.plusSeconds(2))));
    try (Projector projector = Projector.start(config)) {
      List<Outcome> outcomes = awaitOutcomes(kafka, topics, 2);
      assertThat(outcomes).extracting(o -> Position.parse(o.position()).offset())
          .as("only events after the seed are decided").allMatch(offset -> offset >= seededEnd);
      assertThat(outcomes.get(0).decision()).as("%s", outcomes.get(0)).isEqualTo(Decision.CONFIRMED);
      assertThat(outcomes.get(0).onHand()).isEqualTo(7);
      assertThat(outcomes.get(1).decision()).as("%s", outcomes.get(1)).isEqualTo(Decision.REJECTED);
      assertThat(outcomes.get(1).reason()).isEqualTo(Reason.OUT_OF_STOCK);
    }
  }

  @Test
  void aClosedProjectorLeavesItsGroupAtOnceNotAfterItsSessionTimesOut(TestKafka kafka) throws Exception {
    TopicSettings topics = topics(kafka);
    // A session far longer than the wait below: only leaving the group explains an empty group in time.
    ProjectorConfig config = config(kafka, topics, kafka.uniqueName("leaving"), Duration.ofSeconds(120));
    try (Admin admin = kafka.newAdmin()) {
      Projector projector = Projector.start(config);
      try {
        awaitRunning(projector);
        await("the projector in its group").atMost(Duration.ofSeconds(30)).until(() ->
            !members(admin, config.applicationId()).isEmpty());
      } finally {
        projector.close();
      }
      await("the group empty after close").atMost(Duration.ofSeconds(20)).until(() ->
          members(admin, config.applicationId()).isEmpty());
    }
  }

  private static TopicSettings topics(TestKafka kafka) throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(2);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    return topics;
  }

  private ProjectorConfig config(TestKafka kafka, TopicSettings topics, String applicationId, Duration session) {
    // Ticks every 10 minutes: none arrives during a test to move the clock.
    return new ProjectorConfig(kafka.bootstrapServers(), topics, applicationId, stateDir.resolve(applicationId),
        Duration.ofMinutes(10), Duration.ofDays(7), 1, Duration.ofMillis(100), session);
  }

  private static void awaitRunning(Projector projector) {
    await("the projector running").atMost(Duration.ofSeconds(60))
        .until(() -> projector.state() == KafkaStreams.State.RUNNING);
  }

  private static Set<String> members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
        .map(m -> m.consumerId()).collect(java.util.stream.Collectors.toSet());
  }

  private static void append(TestKafka kafka, TopicSettings topics, List<Event> events) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Event e : events) {
        byte[] key = e instanceof SkuEvent s ? s.sku().getBytes(StandardCharsets.UTF_8) : null;
        producer.send(new ProducerRecord<>(topics.events(), key, EventCodec.encode(e))).get();
      }
    }
  }

  private static int partitionOf(TestKafka kafka, TopicSettings topics, String sku) {
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        sku.getBytes(StandardCharsets.UTF_8))) % topics.partitions();
  }

  /** The first {@code count} outcomes (skipping expiries a tick might cause), in log order. */
  private static List<Outcome> awaitOutcomes(TestKafka kafka, TopicSettings topics, int count) {
    List<Outcome> seen = new ArrayList<>();
    try (KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
        JsonSerde.of(Outcome.class).deserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < topics.partitions(); p++) {
        partitions.add(new TopicPartition(topics.outcomes(), p));
      }
      consumer.assign(partitions);
      await("the outcomes of the events after the seed").atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, Outcome> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
        return seen.size() >= count;
      });
    }
    return seen.subList(0, count);
  }
}
