package io.stocklog.projector;

import io.stocklog.events.Event;
import io.stocklog.events.InvalidEventException;
import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicBootstrap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
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
   * Folds every partition of the events topic from its start up to (excluding) {@code end}, handing the outcomes
   * to {@code outcomes} in log order per partition, in chunks. Nothing is written yet: see {@link Folded}.
   * Decoding (the JSON parse, the larger part of the work) runs on a second thread, a poll ahead of the fold.
   */
  public static Folded fold(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      ProjectorOptions.Progress progress) {
    String topic = config.topics().events();
    long started = System.nanoTime();
    Map<Integer, Fold> folds = new TreeMap<>();
    end.keySet().forEach(p -> folds.put(p, new Fold(config.retention())));
    long records = 0;
    long deadLetters = 0;
    long outcomeCount = 0;
    List<Outcome> chunk = new ArrayList<>(CHUNK);
    ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "seed-decoder");
      t.setDaemon(true);
      return t;
    });
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
      Future<List<Decoded>> next = null;
      while (!pending.isEmpty() || next != null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("folding " + topic + " took over 30 minutes; still at " + pending);
        }
        Future<List<Decoded>> polled = null;
        if (!pending.isEmpty()) {
          List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.offset() < end.get(r.partition())) {
              batch.add(r);
            }
          }
          pending.removeIf(tp -> {
            boolean done = consumer.position(tp) >= end.get(tp.partition());
            if (done) {
              consumer.pause(List.of(tp));
            }
            return done;
          });
          polled = decoder.submit(() -> decode(batch));
        }
        if (next != null) {
          for (Decoded d : join(next)) {
            records++;
            if (d.event() == null) {
              deadLetters++;
            } else {
              Position position = new Position(d.partition(), d.offset());
              for (Outcome o : folds.get(d.partition()).inventory.apply(d.event())) {
                chunk.add(o.at(position));
              }
            }
            progress.folded(d.partition(), d.offset());
            if (chunk.size() >= CHUNK) {
              outcomeCount += chunk.size();
              outcomes.accept(chunk);
              chunk = new ArrayList<>(CHUNK);
            }
          }
        }
        next = polled;
      }
    } finally {
      decoder.shutdownNow();
    }
    if (!chunk.isEmpty()) {
      outcomeCount += chunk.size();
      outcomes.accept(chunk);
    }
    return new Folded(config, new TreeMap<>(end), folds, records, deadLetters, outcomeCount,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** A record decoded: its event, or null for one the projector would dead-letter. */
  private record Decoded(int partition, long offset, Event event) {}

  private static List<Decoded> decode(List<ConsumerRecord<byte[], byte[]>> batch) {
    List<Decoded> decoded = new ArrayList<>(batch.size());
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      Event event;
      try {
        event = RecordDecoder.decode(r.key(), r.value(), RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
      } catch (InvalidEventException e) {
        event = null;
      }
      decoded.add(new Decoded(r.partition(), r.offset(), event));
    }
    return decoded;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
    }
  }

  /** A fold done in memory, not yet written anywhere. */
  public static final class Folded {
    private final ProjectorConfig config;
    private final Map<Integer, Long> end;
    private final Map<Integer, Fold> folds;
    private final long records;
    private final long deadLetters;
    private final long outcomes;
    private final Duration fold;

    private Folded(ProjectorConfig config, Map<Integer, Long> end, Map<Integer, Fold> folds, long records,
        long deadLetters, long outcomes, Duration fold) {
      this.config = config;
      this.end = end;
      this.folds = folds;
      this.records = records;
      this.deadLetters = deadLetters;
      this.outcomes = outcomes;
      this.fold = fold;
    }

    /**
     * Writes the state to the changelogs of {@code config}'s application (which must be new: none of its
     * changelog topics may exist), then commits its offsets at the end of the fold.
     */
    public Result seed() {
      long started = System.nanoTime();
      long entries = writeState(config, folds);
      commit(config, end);
      return new Result(end, records, deadLetters, outcomes, entries, fold,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** {@link #fold}, then {@link Folded#seed}. */
  public static Result seed(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      ProjectorOptions.Progress progress) {
    return fold(config, end, outcomes, progress).seed();
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
    AtomicReference<Exception> failed = new AtomicReference<>();
    Callback check = (metadata, e) -> {
      if (e != null) {
        failed.compareAndSet(null, e);
      }
    };
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String store : KeyValueInventoryStore.storeNames()) {
        TopicBootstrap.awaitLeaders(producer, changelog(app, store), partitions, Duration.ofSeconds(60));
      }
      // Two threads serialize (the CPU part); the producer is shared, and each partition's entries stay in order.
      AtomicLong written = new AtomicLong();
      folds.entrySet().parallelStream().forEach(e -> {
        int p = e.getKey();
        Fold f = e.getValue();
        String stock = changelog(app, KeyValueInventoryStore.STOCK);
        for (var x : f.stock.entries().entrySet()) {
          producer.send(new ProducerRecord<>(stock, p, strings.serialize(stock, x.getKey()),
              stockValues.serialize(stock, x.getValue())), check);
        }
        String reservations = changelog(app, KeyValueInventoryStore.RESERVATIONS);
        for (var x : f.reservations.entries().entrySet()) {
          producer.send(new ProducerRecord<>(reservations, p, strings.serialize(reservations, x.getKey()),
              reservationValues.serialize(reservations, x.getValue())), check);
        }
        String applied = changelog(app, KeyValueInventoryStore.APPLIED);
        for (var x : f.applied.entries().entrySet()) {
          producer.send(new ProducerRecord<>(applied, p, strings.serialize(applied, x.getKey()),
              appliedValues.serialize(applied, x.getValue())), check);
        }
        String deadlines = changelog(app, KeyValueInventoryStore.DEADLINES);
        for (var x : f.deadlines.entries().entrySet()) {
          producer.send(new ProducerRecord<>(deadlines, p, x.getKey().get(), x.getValue()), check);
        }
        String clock = changelog(app, KeyValueInventoryStore.CLOCK);
        for (var x : f.clock.entries().entrySet()) {
          producer.send(new ProducerRecord<>(clock, p, strings.serialize(clock, x.getKey()),
              longs.serialize(clock, x.getValue())), check);
        }
        written.addAndGet(f.stock.entries().size() + f.reservations.entries().size() + f.applied.entries().size()
            + f.deadlines.entries().size() + f.clock.entries().size());
      });
      entries = written.get();
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("writing the state of " + app + " to its changelogs failed: "
          + failed.get().getMessage(), failed.get());
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
    // One batch in flight per broker: on topics just created, Kafka 4.1's producer can have the batches behind
    // one refused with NOT_LEADER_OR_FOLLOWER accepted, then its retry refused as out of sequence until it
    // expires. Big batches keep the throughput.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    return p;
  }
}
