package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.orders.InMemoryOrderStore;
import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderTimer;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.inventory.Timer;
import io.stocklog.json.Json;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three ways the project folds the log decide alike: the projector's topology (in {@link
 * org.apache.kafka.streams.TopologyTestDriver}), the offline fold ({@link LogReplay} over a real broker) and the
 * rebuild's {@link StateSeed} (the offline fold into the projector's store layout, written to real changelog
 * topics). One generated log with every event kind, redeliveries, ticks, time going back and jumping past
 * deadlines, a short retention so finished reservations are forgotten, and poison of every kind (not JSON,
 * another SKU's key, no key, oversized, an unknown type, against its schema) goes through all three; they
 * publish the same outcomes at the same positions, skip the same records for the same reasons, and end with
 * the same state, entry for entry: counters, reservations, remembered IDs, the deadline index (kept by the offline
 * fold, rebuilt from the records by the projector's store) and the clock.
 *
 * <p>The log has orders of several lines too (placed, repeated byte for byte and under a new event ID, confirmed,
 * cancelled, extended, rejected for want of stock or of a SKU, expired, an order ID a reservation holds): the
 * topology appends its line commands and the lines' reports to the events topic, and folds them right after the
 * record that caused them. That log, appends included, is what the other two fold, and they append nothing: they
 * must publish the same order outcomes, and end with the same orders and order deadlines.
 *
 * <p>A log over several partitions has records outside the home partition of their key too, SKU events and orders'
 * records put elsewhere as a producer with another partitioner would: the projector (a real one, since a topology
 * test driver has one partition) forwards each to its home instead of deciding it, and the offline fold and the
 * state seed of the log it leaves decide alike, partition by partition, and would append exactly what it appended,
 * forwards included.
 */
@WithInfra
class OneFoldThreeWaysTest {

  private static final Duration RETENTION = Duration.ofMinutes(1);

  @TempDir
  Path stateDir;

  record Raw(byte[] key, byte[] value) {}

  /** A partition's state, entry for entry, whichever store held it. */
  record State(Map<String, StockLevel> stock, Map<String, Reservation> reservations, Set<String> applied,
      Set<Timer> timers, long clock, Map<String, Order> orders, Set<OrderTimer> orderTimers) {

    static State of(InMemoryInventoryStore store, InMemoryOrderStore orderStore) {
      Map<String, Order> orders = new TreeMap<>();
      orderStore.orders().forEach(o -> orders.put(o.orderId(), o));
      Map<String, Reservation> reservations = new TreeMap<>();
      store.reservations().forEach(r -> reservations.put(r.sku() + "/" + r.orderId(), r));
      Set<String> applied = new TreeSet<>();
      store.appliedIds().forEach(a -> applied.add(a.toString()));
      return new State(new TreeMap<>(store.stockLevels()), reservations, applied, new TreeSet<>(store.timers()),
          store.clock(), orders, new TreeSet<>(orderStore.timers()));
    }

    /**
     * From each store's changelog, as the last value per key (a deleted key holds null and is left out), read
     * through a projector store over them: its deadline index is the one a task rebuilds when it starts.
     */
    static State of(Map<String, Map<Bytes, byte[]>> changelogs) {
      List<MapKeyValueStore<Bytes, byte[]>> stores = new ArrayList<>();
      for (String name : KeyValueInventoryStore.storeNames()) {
        MapKeyValueStore<Bytes, byte[]> store = new MapKeyValueStore<>(name);
        changelogs.get(name).forEach((k, v) -> {
          if (v != null) {
            store.put(k, v);
          }
        });
        stores.add(store);
      }
      KeyValueInventoryStore kv = new KeyValueInventoryStore(stores.get(0), stores.get(1), stores.get(2),
          stores.get(3), RETENTION);
      Map<String, StockLevel> stock = new TreeMap<>();
      stores.get(0).entries().forEach((k, v) -> {
        StockLevel level = StateCodec.stock(k.get(), v);
        stock.put(level.sku(), level);
      });
      Map<String, Reservation> reservations = new TreeMap<>();
      stores.get(1).entries().forEach((k, v) -> {
        Reservation r = StateCodec.reservation(k.get(), v);
        reservations.put(r.sku() + "/" + r.orderId(), r);
      });
      Set<String> applied = new TreeSet<>();
      stores.get(2).entries().forEach((k, v) -> applied.add(StateCodec.applied(k.get(), v).toString()));
      Map<String, Order> orders = new TreeMap<>();
      stores.get(4).entries().forEach((k, v) -> orders.put(OrderCodec.order(k.get(), v).orderId(),
          OrderCodec.order(k.get(), v)));
      KeyValueOrderStore orderStore = new KeyValueOrderStore(stores.get(4), RETENTION);
      return new State(stock, reservations, applied, new TreeSet<>(kv.due(Long.MAX_VALUE, Integer.MAX_VALUE)),
          kv.clock(), orders, new TreeSet<>(orderStore.due(Long.MAX_VALUE, Integer.MAX_VALUE)));
    }
  }

  @Test
  void theTopologyTheOfflineFoldAndTheStateSeedDecideAlikeAndLeaveTheSameState(TestKafka kafka) throws Exception {
    List<Raw> input = log(new Random(23), 1_500, 20);

    // 1. The topology, as the projector runs it; the log is the input with what the topology appended.
    List<Raw> records = new ArrayList<>();
    List<Outcome> published = new ArrayList<>();
    List<OrderOutcome> publishedOrders = new ArrayList<>();
    List<String> deadLettered = new ArrayList<>();
    State topologyState;
    try (TopologyFixture f = new TopologyFixture(stateDir.resolve("driver"),
        ProjectorOptions.withRetention(RETENTION).withStores(ProjectorOptions.StoreKind.IN_MEMORY))) {
      for (Raw r : input) {
        f.events.pipeInput(r.key(), r.value());
        records.add(r);
        f.appended.readRecordsToList().forEach(a -> records.add(new Raw(a.key(), a.value())));
      }
      for (TestRecord<byte[], byte[]> o : f.rawOutcomes().readRecordsToList()) {
        if (o.headers().lastHeader(OrderOutcome.HEADER) != null) {
          publishedOrders.add(Json.MAPPER.readValue(o.value(), OrderOutcome.class));
        } else {
          published.add(JsonSerde.of(Outcome.class).deserializer().deserialize("outcomes", o.value()));
        }
      }
      for (byte[] letter : f.deadLetters.readValuesToList()) {
        JsonNode json = Json.MAPPER.readTree(letter);
        deadLettered.add(json.get("offset").asLong() + " " + json.get("error").asText());
      }
      topologyState = State.of(f.changelogs());
    }

    // The same bytes, in the same order, in partition 0 of a real events topic.
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(1);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    append(kafka, topics.events(), records);

    // 2. The offline fold.
    List<Outcome> replayed = new ArrayList<>();
    List<OrderOutcome> replayedOrders = new ArrayList<>();
    List<Event> reAppended = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    LogReplay.Result<InMemoryInventoryStore> replay = LogReplay.of(kafka.bootstrapServers(), topics.events())
        .withRetention(RETENTION)
        .replay(Map.of(0, records.size() - 1L), new ReplayListener() {
          @Override
          public void outcome(Position at, Outcome outcome) {
            replayed.add(outcome);
          }

          @Override
          public void order(Position at, OrderOutcome outcome) {
            replayedOrders.add(outcome);
          }

          @Override
          public void append(Position at, Event record) {
            reAppended.add(record);
          }

          @Override
          public void deadLetter(Position at, String error, String eventId) {
            skipped.add(at.offset() + " " + error);
          }
        });
    State offlineState = State.of(replay.folds().get(0).state(),
        (InMemoryOrderStore) replay.folds().get(0).orders());

    // 3. The state seed, into real changelog topics of a new application.
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("seeded"),
        stateDir.resolve("seed"), Duration.ofSeconds(1), RETENTION, 1, Duration.ofMillis(100));
    List<Outcome> seeded = new ArrayList<>();
    StateSeed.Result result = StateSeed.seed(config, Map.of(0, (long) records.size()), seeded::addAll,
        ProjectorOptions.Progress.NONE);
    State seedState = State.of(readChangelogs(kafka, config.applicationId(), 0));

    assertThat(deadLettered).as("records the topology dead-lettered").hasSizeGreaterThanOrEqualTo(30);
    assertThat(skipped).as("records the offline fold skipped").containsExactlyElementsOf(deadLettered);
    assertThat(published).as("outcomes the topology published").hasSizeGreaterThan(1_000);
    assertThat(replayed).as("outcomes of the offline fold").containsExactlyElementsOf(published);
    assertThat(seeded).as("outcomes of the state seed").containsExactlyElementsOf(published);
    assertThat(result.records()).isEqualTo(records.size());
    assertThat(result.deadLetters()).isEqualTo(deadLettered.size());
    assertThat(committed(kafka, config.applicationId(), topics.events())).isEqualTo((long) records.size());

    assertThat(topologyState.reservations()).as("the log must leave some reservations").hasSizeGreaterThan(5);
    assertThat(topologyState.timers()).as("and some deadlines").isNotEmpty();
    assertThat(offlineState).as("the offline fold's state").isEqualTo(topologyState);
    assertThat(seedState).as("the state seed's changelogs").isEqualTo(topologyState);

    // Orders: decided alike, and the log's appends are exactly what the offline fold would append (and drops).
    assertThat(records.size() - input.size()).as("records the topology appended").isGreaterThan(100);
    assertThat(publishedOrders).as("order outcomes the topology published").hasSizeGreaterThan(50)
        .allSatisfy(o -> assertThat(o.position()).isNotNull());
    assertThat(publishedOrders).extracting(OrderOutcome::decision)
        .contains(Decision.PENDING, Decision.HELD, Decision.REJECTED, Decision.CONFIRMED, Decision.CANCELLED,
            Decision.EXTENDED, Decision.EXPIRED);
    assertThat(publishedOrders).as("repeats answered").anyMatch(OrderOutcome::duplicate);
    assertThat(publishedOrders).as("a short line reported with what was available")
        .anyMatch(o -> o.status() == OrderStatus.REJECTED
            && o.lines().stream().anyMatch(l -> l.reason() != null && l.available() != null));
    assertThat(replayedOrders).as("order outcomes of the offline fold").containsExactlyElementsOf(publishedOrders);
    List<String> appendedIds = records.subList(0, records.size()).stream()
        .filter(r -> !input.contains(r)).map(r -> eventId(r.value())).toList();
    assertThat(reAppended).extracting(Event::eventId).as("what the offline fold would append, and drops")
        .containsExactlyElementsOf(appendedIds);
    assertThat(topologyState.orders()).as("the log must leave some orders (the rest are forgotten)").isNotEmpty();
  }

  @Test
  void recordsOutsideTheirHomeAreForwardedAndTheProjectorTheOfflineFoldAndTheStateSeedStillAgree(TestKafka kafka)
      throws Exception {
    int partitions = 3;
    TopicSettings topics = TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"))
        .withPartitions(partitions);
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    // A keyed record goes home, or one time in three to another partition, as librdkafka's CRC32 or an explicit
    // partition number would put it; a record without a key (a tick, poison) anywhere.
    Random placing = new Random(31);
    // Orders hold up to ten minutes of log time: a line is decided a while after its order, in its own partition.
    List<Raw> input = log(new Random(29), 600, 600);
    Set<Position> inputAt = new HashSet<>();
    Set<String> misplaced = new TreeSet<>();
    int poison = 0;
    int misplacedOrders = 0;
    int misplacedSkuEvents = 0;
    // 1. The projector (no ticks: the log's own decide every expiry), running while the records arrive, until it has
    // decided the whole log, forwards and appends included.
    ProjectorConfig config = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("forwarding"),
        stateDir.resolve("projector"), Duration.ofHours(1), RETENTION, 1, Duration.ofMillis(100));
    LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topics.events()).withRetention(RETENTION);
    Folds offline;
    try (Projector projector = Projector.start(config)) {
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024), new ByteArraySerializer(),
          new ByteArraySerializer())) {
        for (Raw r : input) {
          Event event = decodable(r);
          int home = r.key() == null ? placing.nextInt(partitions) : HomePartition.of(HomePartition.hash(r.key()),
              partitions);
          boolean away = r.key() != null && placing.nextInt(3) == 0;
          int p = away ? (home + 1 + placing.nextInt(partitions - 1)) % partitions : home;
          long offset = producer.send(new ProducerRecord<>(topics.events(), p, r.key(), r.value())).get().offset();
          Position at = new Position(p, offset);
          inputAt.add(at);
          if (event == null) {
            poison++;
          } else if (away) {
            misplaced.add(at.token());
            if (event instanceof OrderEvent) {
              misplacedOrders++;
            } else {
              misplacedSkuEvents++;
            }
          }
        }
      }
      offline = await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofSeconds(1))
          .until(() -> Folds.of(kafka, topics, replay, config.applicationId(), inputAt), Folds::agree);
    }
    assertThat(misplacedOrders).as("orders' records put outside their home").isGreaterThan(20);
    assertThat(misplacedSkuEvents).as("SKU events put outside their home").isGreaterThan(100);
    assertThat(offline.published.outcomes()).as("outcomes the projector published").hasSizeGreaterThan(300);
    assertThat(offline.published.orders()).extracting(OrderOutcome::decision)
        .contains(Decision.HELD, Decision.REJECTED, Decision.CONFIRMED);
    assertThat(offline.published.deadLetters()).as("only the poison is dead-lettered, none for where it is")
        .hasSize(poison);

    // What the log holds beyond the input is exactly what the offline fold would append and drops, forwards
    // included (Folds.agree); each forward is a misplaced record's one copy, at home, naming where it came from.
    List<String> forwardedFrom = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : offline.log) {
      var header = r.headers().lastHeader(HomePartition.FORWARDED_FROM_HEADER);
      if (header != null) {
        forwardedFrom.add(new String(header.value(), StandardCharsets.UTF_8));
        assertThat(r.partition()).as("a forward lands at home")
            .isEqualTo(HomePartition.of(HomePartition.hash(r.key()), partitions));
        assertThat(inputAt).as("a forward is the projector's").doesNotContain(new Position(r.partition(), r.offset()));
      }
    }
    assertThat(forwardedFrom).as("one copy of each misplaced record").containsExactlyInAnyOrderElementsOf(misplaced);
    assertThat(offline.forwarded).as("what the offline fold forwards").containsExactlyInAnyOrderElementsOf(misplaced);
    assertThat(offline.appended).as("what the offline fold would append, forwards included, and drops")
        .containsExactlyInAnyOrderElementsOf(offline.logAppended);

    // 3. The state seed of the same log: the same outcomes, and the same state in every partition.
    ProjectorConfig seeding = config.withApplicationId(kafka.uniqueName("seeded"), stateDir.resolve("seed"));
    List<Outcome> seeded = new ArrayList<>();
    Map<Integer, Long> end = new HashMap<>();
    offline.through.forEach((p, last) -> end.put(p, last + 1));
    StateSeed.Result result = StateSeed.seed(seeding, end, seeded::addAll, ProjectorOptions.Progress.NONE);
    assertThat(seeded).as("outcomes of the state seed")
        .containsExactlyInAnyOrderElementsOf(offline.published.outcomes());
    assertThat(result.records()).as("every record of the log, forwards included").isEqualTo((long) offline.log.size());
    for (int p = 0; p < partitions; p++) {
      assertThat(State.of(readChangelogs(kafka, seeding.applicationId(), p))).as("the state seed's partition " + p)
          .isEqualTo(offline.states.get(p));
    }
  }

  /** What the projector published and left in its changelogs, and what the offline fold makes of the same log. */
  private record Published(List<Outcome> outcomes, List<OrderOutcome> orders, List<String> deadLetters,
      Map<Integer, State> states) {

    static Published read(TestKafka kafka, TopicSettings topics, String applicationId) throws Exception {
      List<Outcome> outcomes = new ArrayList<>();
      List<OrderOutcome> orders = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> o : readAll(kafka, topics.outcomes(), topics.partitions())) {
        if (o.headers().lastHeader(OrderOutcome.HEADER) != null) {
          orders.add(Json.MAPPER.readValue(o.value(), OrderOutcome.class));
        } else {
          outcomes.add(JsonSerde.of(Outcome.class).deserializer().deserialize("outcomes", o.value()));
        }
      }
      List<String> letters = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> l : readAll(kafka, topics.deadLetters(), topics.partitions())) {
        JsonNode json = Json.MAPPER.readTree(l.value());
        letters.add(json.get("partition").asInt() + "-" + json.get("offset").asLong() + " "
            + json.get("error").asText());
      }
      Map<Integer, State> states = new HashMap<>();
      for (int p = 0; p < topics.partitions(); p++) {
        states.put(p, State.of(readChangelogs(kafka, applicationId, p)));
      }
      return new Published(outcomes, orders, letters, states);
    }
  }

  /** The offline fold of the whole committed log, beside what the projector published of it. */
  private static final class Folds implements ReplayListener {
    final List<Outcome> outcomes = new ArrayList<>();
    final List<OrderOutcome> orders = new ArrayList<>();
    final List<String> deadLetters = new ArrayList<>();
    final List<String> appended = new ArrayList<>();
    final List<String> forwarded = new ArrayList<>();
    final Map<Integer, State> states = new HashMap<>();
    Map<Integer, Long> through;
    Published published;
    List<ConsumerRecord<byte[], byte[]>> log;
    /** The event IDs of the records in the log that are not the input: what the projector appended. */
    final List<String> logAppended = new ArrayList<>();

    /**
     * What the projector published, then the offline fold of the committed log (which can only have grown since),
     * then that log.
     */
    static Folds of(TestKafka kafka, TopicSettings topics, LogReplay replay, String applicationId,
        Set<Position> input) throws Exception {
      Folds f = new Folds();
      f.published = Published.read(kafka, topics, applicationId);
      f.through = replay.lastOffsets();
      LogReplay.Result<InMemoryInventoryStore> result = replay.replay(f.through, f);
      result.folds().forEach((p, fold) -> f.states.put(p, State.of(fold.state(), (InMemoryOrderStore) fold.orders())));
      f.log = readAll(kafka, topics.events(), topics.partitions());
      for (ConsumerRecord<byte[], byte[]> r : f.log) {
        if (!input.contains(new Position(r.partition(), r.offset()))) {
          f.logAppended.add(eventId(r.value()));
        }
      }
      return f;
    }

    /**
     * The projector has decided the whole log, its appends included: it published what the offline fold decides,
     * left the same state, and appended what the fold would (a forward not yet made, or a record not yet decided,
     * shows as a difference).
     */
    boolean agree() {
      return counts(outcomes).equals(counts(published.outcomes())) && counts(orders).equals(counts(published.orders()))
          && counts(deadLetters).equals(counts(published.deadLetters())) && states.equals(published.states())
          && counts(appended).equals(counts(logAppended));
    }

    private static <T> Map<T, Long> counts(List<T> items) {
      Map<T, Long> counts = new HashMap<>();
      items.forEach(i -> counts.merge(i, 1L, Long::sum));
      return counts;
    }

    @Override
    public void outcome(Position at, Outcome outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void order(Position at, OrderOutcome outcome) {
      orders.add(outcome);
    }

    @Override
    public void forward(Position at, Event event, int home) {
      forwarded.add(at.token());
      ReplayListener.super.forward(at, event, home);
    }

    @Override
    public void append(Position at, Event record) {
      appended.add(record.eventId());
    }

    @Override
    public void deadLetter(Position at, String error, String eventId) {
      deadLetters.add(at.token() + " " + error);
    }
  }

  /** The event in a record, or null for poison of any kind (it would be dead-lettered). */
  private static Event decodable(Raw r) {
    PartitionFold.Decoded d = PartitionFold.decode(r.key(), r.value(), RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
    return d.event();
  }

  /** Every committed record of {@code topic}, partition by partition in offset order. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(TestKafka kafka, String topic, int partitions) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (int p = 0; p < partitions; p++) {
        TopicPartition tp = new TopicPartition(topic, p);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        while (consumer.position(tp) < end) {
          consumer.poll(Duration.ofMillis(200)).forEach(all::add);
        }
      }
    }
    return all;
  }

  private static String eventId(byte[] value) {
    try {
      return EventCodec.decode(value).eventId();
    } catch (io.stocklog.events.InvalidEventException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Random events keyed as their producers would key them, orders' records among them, with poison of every kind
   * mixed in.
   */
  private static List<Raw> log(Random random, int length, int maxHoldSeconds) {
    List<Raw> records = new ArrayList<>();
    List<OrderEvent> sent = new ArrayList<>();
    int poison = 0;
    for (Event e : RandomHistory.events(random, length)) {
      records.add(new Raw(e instanceof SkuEvent s ? bytes(s.sku()) : null, EventCodec.encode(e)));
      if (random.nextInt(4) == 0) {
        OrderEvent o = orderEvent(random, e.occurredAt(), sent, maxHoldSeconds);
        sent.add(o);
        records.add(new Raw(bytes(o.orderId()), EventCodec.encode(o)));
      }
      if (random.nextInt(25) == 0) {
        records.add(poison(poison++ % 6));
      }
    }
    return records;
  }

  /** An order's record: mostly placings of 1 to 3 lines (a SKU sometimes twice), then the rest, some repeated. */
  private static OrderEvent orderEvent(Random random, Instant at, List<OrderEvent> sent, int maxHoldSeconds) {
    // "o-1" is also a reservation's order ID in RandomHistory: a line under it meets an ID already taken.
    String order = random.nextInt(12) == 0 ? "o-1" : "ord-" + random.nextInt(10);
    int k = random.nextInt(100);
    if (k < 40) {
      List<OrderPlaced.Line> lines = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        lines.add(new OrderPlaced.Line("sku-" + random.nextInt(5), 1 + random.nextInt(4)));
      }
      return Events.placed(order, 1 + random.nextInt(maxHoldSeconds), lines, at);
    } else if (k < 60) {
      return Events.orderConfirmed(order, at);
    } else if (k < 72) {
      return Events.orderCancelled(order, at);
    } else if (k < 84) {
      return Events.orderExtended(order, 1 + random.nextInt(maxHoldSeconds), at);
    } else if (!sent.isEmpty()) {
      OrderEvent again = sent.get(random.nextInt(sent.size()));
      // Byte for byte, or the same placing under a new event ID.
      return again instanceof OrderPlaced p && random.nextBoolean()
          ? Events.placed(p.orderId(), p.holdSeconds(), p.lines(), at) : again;
    }
    return Events.orderConfirmed(order, at);
  }

  private static Raw poison(int kind) {
    Event e = Events.received("sku-1", "r-x", 3, Instant.parse("2026-11-22T10:00:00Z"));
    return switch (kind) {
      case 0 -> new Raw(bytes("sku-1"), bytes("{not json"));
      case 1 -> new Raw(bytes("sku-2"), EventCodec.encode(e)); // another SKU's key
      case 2 -> new Raw(null, EventCodec.encode(e)); // no key
      case 3 -> new Raw(bytes("sku-1"), new byte[RecordDecoder.DEFAULT_MAX_EVENT_BYTES + 1]);
      case 4 -> new Raw(bytes("sku-1"), bytes("{\"type\":\"StockStolen\"}"));
      default -> new Raw(bytes("sku-1"), bytes(new String(EventCodec.encode(e), StandardCharsets.UTF_8)
          .replace("\"quantity\":3", "\"quantity\":0")));
    };
  }

  private static void append(TestKafka kafka, String topic, List<Raw> records) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (Raw r : records) {
        producer.send(new ProducerRecord<>(topic, 0, r.key(), r.value())).get();
      }
    }
  }

  /** Every changelog of {@code applicationId} read to its end in {@code partition}: the last value per key. */
  private static Map<String, Map<Bytes, byte[]>> readChangelogs(TestKafka kafka, String applicationId,
      int partition) {
    Map<String, Map<Bytes, byte[]>> logs = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String store : KeyValueInventoryStore.storeNames()) {
        TopicPartition tp = new TopicPartition(StateSeed.changelog(applicationId, store), partition);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        Map<Bytes, byte[]> latest = new HashMap<>();
        while (consumer.position(tp) < end) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            latest.put(Bytes.wrap(r.key()), r.value());
          }
        }
        logs.put(store, latest);
      }
    }
    return logs;
  }

  private static long committed(TestKafka kafka, String group, String topic) throws Exception {
    try (Admin admin = kafka.newAdmin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.get(new TopicPartition(topic, 0)).offset();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
