package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Inventory;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.SinkConfig;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.InvariantChecker;
import io.stocklog.verify.InvariantReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two projector processes on one application ID, as in production when it scales out by partition: they
 * share the partitions, and when one stops in the middle of a stream of requests the other takes over its
 * partitions, and still every event is decided exactly once, in log order, exactly as a replay decides it.
 * A read-model sink applies the decisions to Postgres throughout, and the test ends with the shared
 * {@link InvariantChecker} against that read model and the log.
 */
@WithInfra
class TwoProjectorsTest {

  private static final Logger log = LoggerFactory.getLogger(TwoProjectorsTest.class);
  private static final int PARTITIONS = 6;
  private static final int SKUS_PER_PARTITION = 5;
  /** Events appended in each phase (both instances, then the survivor alone), at least. */
  private static final int EVENTS_PER_PHASE = 600;

  @TempDir
  Path stateA;

  @TempDir
  Path stateB;

  /** Every event the producer appended, with where it landed; filled by the send callbacks. */
  private final Queue<Appended> appended = new ConcurrentLinkedQueue<>();
  /** Outcomes read so far by the watching consumer (read_committed), in arrival order. */
  private final List<Outcome> seen = new ArrayList<>();

  record Appended(Event event, Position position) {}

  @Test
  void shareThePartitionsAndOneTakesOverWithoutLosingOrRepeatingADecision(TestKafka kafka, TestDatabase readModel)
      throws Exception {
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dlq"))
        .withPartitions(PARTITIONS);
    String applicationId = kafka.uniqueName("projector");
    List<String> skus = skusCoveringEveryPartition();
    long started = System.nanoTime();

    long takeoverMillis;
    try (Admin admin = kafka.newAdmin();
        KafkaConsumer<String, Outcome> watcher = outcomeConsumer(kafka, topics)) {
      createTopics(admin, topics);
      // The read model, applied from the outcomes throughout, for the invariant check at the end.
      try (OutcomeSink sink = OutcomeSink.start(
          SinkConfig.of(kafka.bootstrapServers(), topics.outcomes(), kafka.uniqueName("read-model")),
          readModel.dataSource())) {
        Projector a = Projector.start(config(kafka, topics, applicationId, stateA));
        Projector b = Projector.start(config(kafka, topics, applicationId, stateB));
        ExecutorService producing = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        try {
          // 1. Both run, each owns some of the partitions, together all of them.
          await("both instances running, each with a share of the partitions")
              .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
              .untilAsserted(() -> {
                assertThat(a.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(b.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertShared(assignment(admin, applicationId, topics.events()), 2);
              });
          log.info("two instances sharing {} partitions after {} ms", PARTITIONS, millisSince(started));

          Future<?> producer = producing.submit(() -> produce(kafka, topics, skus, stop));
          awaitOutcomes(watcher, "outcomes from every partition while both run",
              () -> appended.size() >= EVENTS_PER_PHASE && partitionsWithOutcomes().size() == PARTITIONS);

          // 2. One stops in the middle of the stream; the other takes over all of its partitions.
          long closing = System.nanoTime();
          a.close();
          long closeMillis = millisSince(closing);
          await("the survivor owning every partition")
              .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
              .untilAsserted(() -> {
                assertThat(b.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertShared(assignment(admin, applicationId, topics.events()), 1);
              });
          takeoverMillis = millisSince(closing);
          log.info("instance A closed in {} ms; B owned all partitions {} ms after the close began",
              closeMillis, takeoverMillis);
          assertThat(closeMillis).as("close() with leave-group on close").isLessThan(10_000);

          // 3. The survivor decides what is appended after the takeover, on every partition.
          Map<Integer, Long> takeoverEnds = endOffsets(admin, topics.events());
          int appendedAtTakeover = appended.size();
          awaitOutcomes(watcher, "outcomes of events appended after the takeover on every partition",
              () -> appended.size() >= appendedAtTakeover + EVENTS_PER_PHASE
                  && seen.stream()
                      .filter(o -> o.decision() != Decision.EXPIRED)
                      .map(o -> Position.parse(o.position()))
                      .filter(p -> p.offset() >= takeoverEnds.get(p.partition()))
                      .map(Position::partition).distinct().count() == PARTITIONS);
          stop.set(true);
          producer.get(30, TimeUnit.SECONDS);
          Set<String> positions = appended.stream().map(e -> e.position().token()).collect(Collectors.toSet());
          awaitOutcomes(watcher, "an outcome for every appended event",
              () -> seen.stream().map(Outcome::position).collect(Collectors.toSet()).containsAll(positions));
          log.info("{} events appended ({} after the takeover), all decided, {} ms after the start",
              appended.size(), appended.size() - appendedAtTakeover, millisSince(started));
        } finally {
          stop.set(true);
          producing.shutdownNow();
          a.close();
          b.close();
        }

        // The log and the decisions, as they are now that nothing writes to either.
        Map<Integer, Long> committed = committedOffsets(admin, applicationId, topics.events());
        Map<Integer, List<ConsumerRecord<String, byte[]>>> events = readAll(kafka, topics.events(), new ByteArrayDeserializer());
        Map<Integer, List<ConsumerRecord<String, Outcome>>> outcomes =
            readAll(kafka, topics.outcomes(), JsonSerde.of(Outcome.class).deserializer());
        List<Outcome> all = outcomes.values().stream().flatMap(List::stream).map(ConsumerRecord::value).toList();

        assertEveryAppendedEventHasExactlyOneOutcome(all);
        assertOutcomesAreInTheirEventsPartitionAndInLogOrderPerSku(outcomes);
        assertEqualToAFoldOfTheLog(events, outcomes, committed);
        awaitReadModelCaughtUp(readModel.dataSource(), outcomes);
        sink.close(); // nothing more to apply: the check reads a read model at rest
        InvariantReport report = InvariantChecker.check(kafka.bootstrapServers(), topics, readModel.dataSource(), "public",
            appended.stream().map(e -> e.event().eventId()).toList());
        assertThat(report.violations()).as(report.summary()).isEmpty();
        assertThat(report.eventsReplayed()).isGreaterThanOrEqualTo(appended.size());
        reportFigures(all, takeoverMillis);
        log.info("checked {} outcomes of {} log records; test took {} ms", all.size(),
            events.values().stream().mapToInt(List::size).sum(), millisSince(started));
      }
    }
  }

  // ---- what is checked at the end

  /** Waits until the read model has applied every one of {@code outcomes}, partition by partition. */
  private static void awaitReadModelCaughtUp(DataSource readModel,
      Map<Integer, List<ConsumerRecord<String, Outcome>>> outcomes) {
    Map<Integer, Long> lastDecided = new HashMap<>();
    outcomes.values().stream().flatMap(List::stream).map(r -> Position.parse(r.value().position()))
        .forEach(p -> lastDecided.merge(p.partition(), p.offset(), Math::max));
    await("the read model applied every decision").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          Map<Integer, Long> applied = new HashMap<>();
          try (var c = readModel.getConnection(); var st = c.createStatement();
              var rs = st.executeQuery("select events_partition, applied_offset from applied_position")) {
            while (rs.next()) {
              applied.put(rs.getInt(1), rs.getLong(2));
            }
          }
          return lastDecided.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), -1L) >= e.getValue());
        });
  }

  /**
   * One line of the reliability report (docs/reliability.md): accepted here are the events the producer had
   * acknowledged; lost and duplicated are counted from the outcomes (the assertions above require zero);
   * oversold is the largest deficit any decision left a SKU in.
   */
  private void reportFigures(List<Outcome> all, long takeoverMillis) {
    Map<String, Long> perPosition = all.stream().filter(o -> o.decision() != Decision.EXPIRED)
        .collect(Collectors.groupingBy(Outcome::position, Collectors.counting()));
    long lost = appended.stream().filter(e -> !perPosition.containsKey(e.position().token())).count();
    long duplicated = perPosition.values().stream().filter(n -> n > 1).count();
    Map<String, Long> deficit = new HashMap<>();
    all.stream().filter(o -> o.available() < 0).forEach(o -> deficit.merge(o.sku(), -o.available(), Math::max));
    long oversold = deficit.values().stream().mapToLong(Long::longValue).sum();
    System.out.println("RELIABILITY fault=two-projectors-one-stopped instances=2 partitions=" + PARTITIONS
        + " load=producer_1_event_per_ms accepted=" + appended.size() + " lost=" + lost + " duplicated=" + duplicated
        + " oversold=" + oversold + " takeover_ms=" + takeoverMillis);
  }

  /** Nothing lost, nothing doubled: one outcome (expiries aside) per appended event, and none for anything else. */
  private void assertEveryAppendedEventHasExactlyOneOutcome(List<Outcome> all) {
    Map<String, Long> perPosition = all.stream()
        .filter(o -> o.decision() != Decision.EXPIRED)
        .collect(Collectors.groupingBy(Outcome::position, Collectors.counting()));
    assertThat(perPosition.keySet())
        .containsExactlyInAnyOrderElementsOf(appended.stream().map(e -> e.position().token()).toList());
    assertThat(perPosition).allSatisfy((position, n) -> assertThat(n).as("outcomes at %s", position).isOne());
    Map<String, String> eventIdAt = appended.stream()
        .collect(Collectors.toMap(e -> e.position().token(), e -> e.event().eventId()));
    assertThat(all).filteredOn(o -> o.decision() != Decision.EXPIRED)
        .allSatisfy(o -> assertThat(o.eventId()).isEqualTo(eventIdAt.get(o.position())));
    assertThat(all).filteredOn(o -> o.decision() == Decision.EXPIRED)
        .extracting(o -> o.sku() + "/" + o.subjectId()).doesNotHaveDuplicates();
  }

  /** Each SKU's decisions come out in the order of its events in the log. */
  private static void assertOutcomesAreInTheirEventsPartitionAndInLogOrderPerSku(
      Map<Integer, List<ConsumerRecord<String, Outcome>>> outcomes) {
    Map<String, Long> lastDecided = new HashMap<>();
    Map<String, Long> lastAny = new HashMap<>();
    outcomes.forEach((partition, records) -> {
      for (ConsumerRecord<String, Outcome> r : records) {
        Outcome o = r.value();
        Position at = Position.parse(o.position());
        assertThat(at.partition()).as("partition of the event behind %s", o).isEqualTo(partition);
        assertThat(r.key()).isEqualTo(o.sku());
        // An expiry carries the position of the event whose time passed the deadline, and comes before
        // that event's own outcome: positions never go back, and other decisions strictly advance.
        Long before = lastAny.put(o.sku(), at.offset());
        assertThat(at.offset()).as("%s after offset %s", o, before).isGreaterThanOrEqualTo(before == null ? 0 : before);
        if (o.decision() != Decision.EXPIRED) {
          Long previous = lastDecided.put(o.sku(), at.offset());
          assertThat(at.offset()).as("%s after offset %s", o, previous).isGreaterThan(previous == null ? -1 : previous);
        }
      }
    });
  }

  /**
   * Folds each partition, ticks included, with a fresh in-memory {@link Inventory} up to the offset the
   * projectors committed (with exactly-once, exactly the records whose outcomes are visible). The result
   * must be what the two instances published between them: the same outcomes in the same order.
   */
  private void assertEqualToAFoldOfTheLog(Map<Integer, List<ConsumerRecord<String, byte[]>>> events,
      Map<Integer, List<ConsumerRecord<String, Outcome>>> outcomes, Map<Integer, Long> committed) throws Exception {
    assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, PARTITIONS).boxed().toList());
    assertThat(appended).allSatisfy(e -> assertThat(e.position().offset()).isLessThan(committed.get(e.position().partition())));
    JsonSerde<Outcome> serde = JsonSerde.of(Outcome.class);
    Map<String, Map<Decision, Long>> expectedPerSku = new TreeMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      Inventory inventory = new Inventory(new InMemoryInventoryStore());
      List<Outcome> expected = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : events.get(p)) {
        if (r.offset() >= committed.get(p)) {
          break;
        }
        Position at = new Position(p, r.offset());
        for (Outcome o : inventory.apply(decode(r))) {
          // Through JSON, as the projector's outcomes came, so both sides are compared as published.
          expected.add(serde.deserializer().deserialize("", serde.serializer().serialize("", o.at(at))));
        }
      }
      List<Outcome> actual = outcomes.get(p).stream().map(ConsumerRecord::value).toList();
      assertThat(actual).as("outcomes of partition %d", p).containsExactlyElementsOf(expected);
      expected.forEach(o -> expectedPerSku.computeIfAbsent(o.sku(), s -> new TreeMap<>()).merge(o.decision(), 1L, Long::sum));
    }
    Map<String, Map<Decision, Long>> actualPerSku = new TreeMap<>();
    outcomes.values().stream().flatMap(List::stream).map(ConsumerRecord::value)
        .forEach(o -> actualPerSku.computeIfAbsent(o.sku(), s -> new TreeMap<>()).merge(o.decision(), 1L, Long::sum));
    assertThat(heldAndRejected(actualPerSku)).isEqualTo(heldAndRejected(expectedPerSku));
    // The run must have exercised both answers, and expiry, for the comparison to mean something.
    Map<Decision, Long> totals = actualPerSku.values().stream().flatMap(m -> m.entrySet().stream())
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.summingLong(Map.Entry::getValue)));
    log.info("decisions: {}", totals);
    assertThat(totals).containsKeys(Decision.HELD, Decision.REJECTED, Decision.RECEIVED, Decision.EXPIRED);
  }

  private static Map<String, List<Long>> heldAndRejected(Map<String, Map<Decision, Long>> perSku) {
    Map<String, List<Long>> counts = new TreeMap<>();
    perSku.forEach((sku, m) -> counts.put(sku,
        List.of(m.getOrDefault(Decision.HELD, 0L), m.getOrDefault(Decision.REJECTED, 0L))));
    return counts;
  }

  private static Event decode(ConsumerRecord<String, byte[]> r) {
    try {
      return EventCodec.decode(r.value());
    } catch (InvalidEventException e) {
      throw new AssertionError("record " + r.partition() + "-" + r.offset() + " is not an event", e);
    }
  }

  // ---- the running system

  private static ProjectorConfig config(TestKafka kafka, TopicSettings topics, String applicationId, Path stateDir) {
    return ProjectorConfig.fromEnv(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "STOCKLOG_EVENTS_TOPIC", topics.events(),
        "STOCKLOG_OUTCOMES_TOPIC", topics.outcomes(),
        "STOCKLOG_DEAD_LETTER_TOPIC", topics.deadLetters(),
        "STOCKLOG_PARTITIONS", Integer.toString(PARTITIONS),
        "STOCKLOG_PROJECTOR_APP_ID", applicationId,
        "STOCKLOG_STATE_DIR", stateDir.toString(),
        // Frequent ticks from both instances, so short holds expire while the partitions change hands.
        "STOCKLOG_TICK_INTERVAL_MS", "200"));
  }

  /**
   * Creates the topics before either projector starts, and waits until the broker knows them: ensure()
   * right after creating fails now and then while the broker's metadata catches up (see
   * TopicBootstrapTest#ensureSucceedsRightAfterCreatingTheTopics), and Projector.start() runs it.
   */
  private static void createTopics(Admin admin, TopicSettings topics) {
    await("the topics created and known to the broker").atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsMatching(e -> causedBy(e, UnknownTopicOrPartitionException.class))
        .until(() -> {
          TopicBootstrap.ensure(admin, topics);
          admin.describeTopics(List.of(topics.deadLetters())).allTopicNames().get(10, TimeUnit.SECONDS);
          return true;
        });
  }

  /**
   * Appends reservation requests (one in four with a one-second hold) and, less often, receipts for the
   * SKUs, each with a fresh event ID, until {@code stop}; records where each landed.
   */
  private Void produce(TestKafka kafka, TopicSettings topics, List<String> skus, AtomicBoolean stop) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; !stop.get() && failed.get() == null; i++) {
        String sku = skus.get(random.nextInt(skus.size()));
        Instant now = Instant.now();
        SkuEvent event = random.nextInt(4) == 0
            ? Events.received(sku, "r-" + i, 1 + random.nextInt(5), now)
            : Events.requested(sku, "o-" + i, 1 + random.nextInt(3), random.nextInt(4) == 0 ? 1 : 600, now);
        producer.send(new ProducerRecord<>(topics.events(), sku, EventCodec.encode(event)), (m, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          } else {
            appended.add(new Appended(event, new Position(m.partition(), m.offset())));
          }
        });
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("an append failed", failed.get());
    }
    return null;
  }

  /** The events-topic partitions of each member of the group, once the group is stable. */
  private static Map<String, Set<Integer>> assignment(Admin admin, String group, String topic) throws Exception {
    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
        .get(10, TimeUnit.SECONDS);
    assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
    return d.members().stream().collect(Collectors.toMap(MemberDescription::consumerId,
        m -> m.assignment().topicPartitions().stream()
            .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).collect(Collectors.toSet())));
  }

  /** {@code members} members, each with at least one partition, none shared, all covered. */
  private static void assertShared(Map<String, Set<Integer>> assignment, int members) {
    assertThat(assignment).hasSize(members);
    assertThat(assignment.values()).allSatisfy(parts -> assertThat(parts).isNotEmpty());
    List<Integer> owned = assignment.values().stream().flatMap(Set::stream).toList();
    assertThat(owned).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, PARTITIONS).boxed().toList());
  }

  private Set<Integer> partitionsWithOutcomes() {
    return seen.stream().map(o -> Position.parse(o.position()).partition()).collect(Collectors.toSet());
  }

  private void awaitOutcomes(KafkaConsumer<String, Outcome> watcher, String what,
      java.util.concurrent.Callable<Boolean> condition) {
    await(what).atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(10))
        .until(() -> {
          watcher.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
          return condition.call();
        });
  }

  private static Map<Integer, Long> endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  private static Map<Integer, Long> committedOffsets(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  /** Every committed record of every partition, in offset order. */
  private static <V> Map<Integer, List<ConsumerRecord<String, V>>> readAll(
      TestKafka kafka, String topic, Deserializer<V> values) {
    Map<Integer, List<ConsumerRecord<String, V>>> byPartition = new TreeMap<>();
    IntStream.range(0, PARTITIONS).forEach(p -> byPartition.put(p, new ArrayList<>()));
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), values)) {
      List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
          .mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      await("all of " + topic).atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ZERO)
          .until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> byPartition.get(r.partition()).add(r));
            return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
          });
    }
    return byPartition;
  }

  private static KafkaConsumer<String, Outcome> outcomeConsumer(TestKafka kafka, TopicSettings topics) {
    KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), JsonSerde.of(Outcome.class).deserializer());
    consumer.assign(IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topics.outcomes(), p)).toList());
    return consumer;
  }

  /** {@value #SKUS_PER_PARTITION} SKUs for each partition, by the producer's own key hash. */
  private static List<String> skusCoveringEveryPartition() {
    Map<Integer, List<String>> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < PARTITIONS * SKUS_PER_PARTITION; i++) {
      String sku = "sku-" + i;
      int p = Utils.toPositive(Utils.murmur2(sku.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
      List<String> list = byPartition.computeIfAbsent(p, k -> new ArrayList<>());
      if (list.size() < SKUS_PER_PARTITION) {
        list.add(sku);
      }
    }
    return byPartition.values().stream().flatMap(List::stream).toList();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
