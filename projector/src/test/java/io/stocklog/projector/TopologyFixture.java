package io.stocklog.projector;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The projector's topology in a {@link TopologyTestDriver}: no broker; every record is on partition 0 of a topic of
 * one partition (so every order's records are where they belong). What the topology appends to the events topic
 * is folded right after the record that caused it, in the order appended, as the driver re-enqueues it.
 */
final class TopologyFixture implements AutoCloseable {

  static final TopicSettings TOPICS = TopicSettings.defaults().withPartitions(1);

  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> events;
  final TestOutputTopic<String, Outcome> outcomes;
  final TestOutputTopic<byte[], byte[]> deadLetters;
  /** What the topology appended to the events topic (line commands, line reports). */
  final TestOutputTopic<byte[], byte[]> appended;

  static final String APPLICATION_ID = "projector-topology-test";

  TopologyFixture(Path stateDir) {
    this(stateDir, ProjectorOptions.defaults());
  }

  TopologyFixture(Path stateDir, ProjectorOptions options) {
    this(stateDir, options, Instant.now());
  }

  /** With the driver's wall clock starting at {@code wallClock} (it moves only by advanceWallClockTime). */
  TopologyFixture(Path stateDir, ProjectorOptions options, Instant wallClock) {
    this(stateDir, options, wallClock, TOPICS);
  }

  /**
   * Over {@code topics}, whose partition count the fold takes for the topic's while the driver has one partition:
   * only for a topology that appends nothing (a rebuild's), since a record forwarded to another partition would
   * come back to partition 0 and be forwarded again.
   */
  TopologyFixture(Path stateDir, ProjectorOptions options, Instant wallClock, TopicSettings topics) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(ProjectorTopology.build(topics, options), props, wallClock);
    events = driver.createInputTopic(topics.events(), new ByteArraySerializer(), new ByteArraySerializer());
    outcomes = driver.createOutputTopic(topics.outcomes(), new StringDeserializer(),
        JsonSerde.of(Outcome.class).deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    appended = driver.createOutputTopic(topics.events(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The outcomes topic's records as bytes, with their headers: for a topology that publishes order outcomes too
   * (which {@link #outcomes} cannot read). Reads what {@link #outcomes} has not.
   */
  TestOutputTopic<byte[], byte[]> rawOutcomes() {
    return driver.createOutputTopic(TOPICS.outcomes(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Pipes {@code event} keyed as its producer would: by SKU, by order ID, or no key for a tick. */
  void pipe(Event event) {
    byte[] key = event instanceof SkuEvent e ? e.sku().getBytes(StandardCharsets.UTF_8)
        : event instanceof OrderEvent o ? o.orderId().getBytes(StandardCharsets.UTF_8) : null;
    events.pipeInput(key, EventCodec.encode(event));
  }

  void pipeRaw(String key, byte[] value) {
    events.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  /** An inventory store over the driver's stores, its deadline index rebuilt from them with {@code retention}. */
  KeyValueInventoryStore store(Duration retention) {
    return new KeyValueInventoryStore(
        driver.getKeyValueStore(KeyValueInventoryStore.STOCK),
        driver.getKeyValueStore(KeyValueInventoryStore.RESERVATIONS),
        driver.getKeyValueStore(KeyValueInventoryStore.APPLIED),
        driver.getKeyValueStore(KeyValueInventoryStore.CLOCK),
        retention);
  }

  /** What each store's changelog holds now: the last value per key, null for a deleted key. */
  Map<String, Map<Bytes, byte[]>> changelogs() {
    Map<String, Map<Bytes, byte[]>> logs = new LinkedHashMap<>();
    for (String store : KeyValueInventoryStore.storeNames()) {
      Map<Bytes, byte[]> latest = new LinkedHashMap<>();
      driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog",
              new ByteArrayDeserializer(), new ByteArrayDeserializer())
          .readRecordsToList()
          .forEach(r -> latest.put(Bytes.wrap(r.key()), r.value()));
      logs.put(store, latest);
    }
    return logs;
  }

  /** Loads the stores from changelogs, as Streams restores a task moved to an instance without its state. */
  void restore(Map<String, Map<Bytes, byte[]>> changelogs) {
    for (String store : KeyValueInventoryStore.storeNames()) {
      KeyValueStore<Bytes, byte[]> target = driver.getKeyValueStore(store);
      changelogs.get(store).forEach((k, v) -> {
        if (v != null) {
          target.put(k, v);
        }
      });
    }
  }

  @Override
  public void close() {
    driver.close();
  }
}
