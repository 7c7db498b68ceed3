package io.stocklog.projector;

import io.stocklog.events.Event;
import io.stocklog.events.InvalidEventException;
import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The fast start of a rebuild: folds a prefix of the events log in this JVM, with the very code a projector
 * task runs ({@link RecordDecoder}, {@link Inventory} over {@link KeyValueInventoryStore}, only over maps
 * instead of RocksDB), and leaves a new projector application ready to go on from there: its state in its
 * changelog topics, its consumer group's committed offsets at the end of the prefix. When Kafka Streams then
 * starts that application, it restores the stores from the changelogs, exactly as it does when a task moves
 * to another instance, and resumes at those offsets.
 *
 * <p>This skips what makes a projector slow on a long backlog (a transaction per commit, RocksDB writes and a
 * changelog record per state change, an outcome record per decision) and keeps what makes it right: the same
 * decisions, in the same order, from the same bytes. The outcomes go to the caller, which writes the read
 * model from them; none is published.
 */
public final class StateSeed {

  /** What a seed did. {@code next}: per partition the first offset not folded (the committed offsets). */
  public record Result(Map<Integer, Long> next, long records, long deadLetters, long outcomes, long stateEntries,
      Duration fold, Duration write) {}

  private static final int CHUNK = 20_000;

  private StateSeed() {}

  /** The changelog topic Kafka Streams uses for {@code store} of {@code applicationId}. */
  public static String changelog(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /**
   * Folds every partition of the events topic from its start up to (excluding) {@code end}, hands the outcomes to
   * {@code outcomes} in log order per partition, in chunks, then writes the state to the changelogs of
   * {@code config}'s application and commits its offsets at {@code end}. The application must be new: no
   * changelog topic of it may exist.
   */
  public static Result seed(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      ProjectorOptions.Progress progress) {
    String topic = config.topics().events();
    long started = System.nanoTime();
    Map<Integer, Fold> folds = new TreeMap<>();
    end.keySet().forEach(p -> folds.put(p, new Fold(config.retention())));
    long records = 0;
    long deadLetters = 0;
    long outcomeCount = 0;
    List<Outcome> chunk = new ArrayList<>(CHUNK);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> pending = new ArrayList<>();
      end.forEach((p, e) -> {
        if (e > 0) {
          pending.add(new TopicPartition(topic, p));
        }
      });
      consumer.assign(pending);
      consumer.seekToBeginning(pending);
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("folding " + topic + " took over 30 minutes; still at " + pending);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          long stop = end.get(r.partition());
          if (r.offset() >= stop) {
            continue;
          }
          records++;
          Event event;
          try {
            event = RecordDecoder.decode(r.key(), r.value(), ProjectorOptions.DEFAULT_MAX_EVENT_BYTES);
          } catch (InvalidEventException e) {
            deadLetters++;
            progress.folded(r.partition(), r.offset());
            continue;
          }
          Position position = new Position(r.partition(), r.offset());
          for (Outcome o : folds.get(r.partition()).inventory.apply(event)) {
            chunk.add(o.at(position));
          }
          progress.folded(r.partition(), r.offset());
          if (chunk.size() >= CHUNK) {
            outcomeCount += chunk.size();
            outcomes.accept(chunk);
            chunk = new ArrayList<>(CHUNK);
          }
        }
        pending.removeIf(tp -> {
          boolean done = consumer.position(tp) >= end.get(tp.partition());
          if (done) {
            consumer.pause(List.of(tp));
          }
          return done;
        });
      }
    }
    if (!chunk.isEmpty()) {
      outcomeCount += chunk.size();
      outcomes.accept(chunk);
    }
    Duration fold = Duration.ofNanos(System.nanoTime() - started);
    long writeStarted = System.nanoTime();
    long entries = writeState(config, folds);
    commit(config, end);
    return new Result(new TreeMap<>(end), records, deadLetters, outcomeCount, entries, fold,
        Duration.ofNanos(System.nanoTime() - writeStarted));
  }

  /** One partition's fold over maps: the same stores, by the same names, as a projector task's. */
  private static final class Fold {
    final MapKeyValueStore<String, StockLevel> stock = new MapKeyValueStore<>(KeyValueInventoryStore.STOCK);
    final MapKeyValueStore<String, Reservation> reservations =
        new MapKeyValueStore<>(KeyValueInventoryStore.RESERVATIONS);
    final MapKeyValueStore<String, AppliedId> applied = new MapKeyValueStore<>(KeyValueInventoryStore.APPLIED);
    final MapKeyValueStore<Bytes, byte[]> deadlines = new MapKeyValueStore<>(KeyValueInventoryStore.DEADLINES);
    final MapKeyValueStore<String, Long> clock = new MapKeyValueStore<>(KeyValueInventoryStore.CLOCK);
    final Inventory inventory;

    Fold(Duration retention) {
      inventory = new Inventory(new KeyValueInventoryStore(stock, reservations, applied, deadlines, clock), retention);
    }
  }

  private static long writeState(ProjectorConfig config, Map<Integer, Fold> folds) {
    String app = config.applicationId();
    int partitions = config.topics().partitions();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String store : KeyValueInventoryStore.storeNames()) {
        // What Kafka Streams would create: a compacted topic, one partition per task.
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(config.topics().minInsync()));
        topics.add(new NewTopic(changelog(app, store), partitions, config.topics().replication()).configs(configs));
      }
      admin.createTopics(topics).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the changelogs of " + app + " (a new application is needed): "
          + e.getCause().getMessage(), e.getCause());
    }
    Serializer<String> strings = Serdes.String().serializer();
    Serializer<Long> longs = Serdes.Long().serializer();
    Serializer<StockLevel> stockValues = JsonSerde.of(StockLevel.class).serializer();
    Serializer<Reservation> reservationValues = JsonSerde.of(Reservation.class).serializer();
    Serializer<AppliedId> appliedValues = JsonSerde.of(AppliedId.class).serializer();
    long entries = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Map.Entry<Integer, Fold> e : folds.entrySet()) {
        int p = e.getKey();
        Fold f = e.getValue();
        String stock = changelog(app, KeyValueInventoryStore.STOCK);
        for (var x : f.stock.entries().entrySet()) {
          producer.send(new ProducerRecord<>(stock, p, strings.serialize(stock, x.getKey()),
              stockValues.serialize(stock, x.getValue())));
        }
        String reservations = changelog(app, KeyValueInventoryStore.RESERVATIONS);
        for (var x : f.reservations.entries().entrySet()) {
          producer.send(new ProducerRecord<>(reservations, p, strings.serialize(reservations, x.getKey()),
              reservationValues.serialize(reservations, x.getValue())));
        }
        String applied = changelog(app, KeyValueInventoryStore.APPLIED);
        for (var x : f.applied.entries().entrySet()) {
          producer.send(new ProducerRecord<>(applied, p, strings.serialize(applied, x.getKey()),
              appliedValues.serialize(applied, x.getValue())));
        }
        String deadlines = changelog(app, KeyValueInventoryStore.DEADLINES);
        for (var x : f.deadlines.entries().entrySet()) {
          producer.send(new ProducerRecord<>(deadlines, p, x.getKey().get(), x.getValue()));
        }
        String clock = changelog(app, KeyValueInventoryStore.CLOCK);
        for (var x : f.clock.entries().entrySet()) {
          producer.send(new ProducerRecord<>(clock, p, strings.serialize(clock, x.getKey()),
              longs.serialize(clock, x.getValue())));
        }
        entries += f.stock.entries().size() + f.reservations.entries().size() + f.applied.entries().size()
            + f.deadlines.entries().size() + f.clock.entries().size();
      }
      producer.flush();
    }
    return entries;
  }

  private static void commit(ProjectorConfig config, Map<Integer, Long> end) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    end.forEach((p, o) -> offsets.put(new TopicPartition(config.topics().events(), p), new OffsetAndMetadata(o)));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      admin.alterConsumerGroupOffsets(config.applicationId(), offsets).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot commit the offsets of " + config.applicationId() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private static Properties consumerProperties(ProjectorConfig config) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // What a projector reads: only committed records, the same bytes.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    return p;
  }

  private static Properties producerProperties(ProjectorConfig config) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    return p;
  }
}
