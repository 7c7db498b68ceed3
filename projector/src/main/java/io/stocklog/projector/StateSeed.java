package io.stocklog.projector;

import io.stocklog.events.Event;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.ReplayListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The fast start of a rebuild: folds a prefix of the events log in this JVM with the project's one offline fold
 * ({@link LogReplay}, {@link io.stocklog.verify.PartitionFold}: the projector's own decoder and rules), into the
 * projector's own store layout ({@link KeyValueInventoryStore}, only over maps instead of RocksDB), and leaves a
 * new projector application ready to go on from there: its state in its changelog topics, its consumer group's
 * committed offsets at the end of the prefix. When Kafka Streams then starts that application, it restores the
 * stores from the changelogs, exactly as it does when a task moves to another instance, and resumes at those
 * offsets.
 *
 * <p>This skips what makes a projector slow on a long backlog (a transaction per commit, RocksDB writes and a
 * changelog record per state change, an outcome record per decision) and keeps what makes it right: the same
 * decisions, in the same order, from the same bytes. The outcomes go to the caller, which writes the read
 * model from them; none is published.
 *
 * <p>What this relies on in Kafka Streams, which is not its public API: the changelog topics' names
 * ({@link #changelog}), that a task restores its stores from them with the stores' serdes, and that the
 * application's consumer group resumes at the offsets committed here. {@code KafkaStreamsContractTest} fails if a
 * Kafka upgrade changes any of it.
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
   * Folds every partition of the events topic from its start up to (excluding) {@code end}, or up to the log's
   * committed end where that is lower (an open transaction's records are not decided yet), handing the outcomes to
   * {@code outcomes} in log order per partition, in chunks. Nothing is written yet: see {@link Folded}.
   */
  public static Folded fold(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      ProjectorOptions.Progress progress) {
    return fold(config, end, outcomes, orders -> { }, progress);
  }

  /**
   * As {@link #fold(ProjectorConfig, Map, Consumer, ProjectorOptions.Progress)}, handing the orders' outcomes to
   * {@code orders} too: each chunk of SKU outcomes, then the order outcomes of the same records (at one position an
   * event's order outcomes come after its SKU outcomes).
   */
  public static Folded fold(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      Consumer<List<OrderOutcome>> orders, ProjectorOptions.Progress progress) {
    long started = System.nanoTime();
    LogReplay replay = LogReplay.of(config.bootstrapServers(), config.topics().events())
        .withRetention(config.retention());
    Map<Integer, Long> committed = replay.lastOffsets();
    Map<Integer, Long> through = new TreeMap<>();
    end.forEach((p, e) -> through.put(p, Math.min(e - 1, committed.getOrDefault(p, -1L))));
    Map<Integer, SeedStores> stores = new TreeMap<>();
    Chunks chunks = new Chunks(outcomes, orders, progress);
    LogReplay.Result<KeyValueInventoryStore> result = replay.replay(through,
        p -> stores.computeIfAbsent(p, x -> new SeedStores(config.retention())).inventory,
        p -> stores.computeIfAbsent(p, x -> new SeedStores(config.retention())).orders, chunks);
    chunks.flush();
    Map<Integer, Long> next = new TreeMap<>();
    through.forEach((p, last) -> {
      next.put(p, last + 1);
      stores.computeIfAbsent(p, x -> new SeedStores(config.retention()));
    });
    return new Folded(config, next, stores, result.records(), result.deadLetters(), result.outcomes(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** Hands the outcomes on in chunks and reports every record folded, dead letters and forwards included. */
  private static final class Chunks implements ReplayListener {
    private final Consumer<List<Outcome>> sink;
    private final Consumer<List<OrderOutcome>> orderSink;
    private final ProjectorOptions.Progress progress;
    private List<Outcome> chunk = new ArrayList<>(CHUNK);
    private List<OrderOutcome> orderChunk = new ArrayList<>();

    Chunks(Consumer<List<Outcome>> sink, Consumer<List<OrderOutcome>> orderSink, ProjectorOptions.Progress progress) {
      this.sink = sink;
      this.orderSink = orderSink;
      this.progress = progress;
    }

    @Override
    public void order(Position at, OrderOutcome outcome) {
      orderChunk.add(outcome);
      if (orderChunk.size() >= CHUNK) {
        flush();
      }
    }

    @Override
    public void event(Position at, Event event) {
      progress.folded(at.partition(), at.offset());
    }

    @Override
    public void deadLetter(Position at, String error, String eventId) {
      progress.folded(at.partition(), at.offset());
    }

    @Override
    public void forward(Position at, Event event, int home) {
      progress.folded(at.partition(), at.offset());
    }

    @Override
    public void outcome(Position at, Outcome outcome) {
      chunk.add(outcome);
      if (chunk.size() >= CHUNK) {
        flush();
      }
    }

    void flush() {
      if (!chunk.isEmpty()) {
        sink.accept(chunk);
        chunk = new ArrayList<>(CHUNK);
      }
      if (!orderChunk.isEmpty()) {
        orderSink.accept(orderChunk);
        orderChunk = new ArrayList<>();
      }
    }
  }

  /** A fold done in memory, not yet written anywhere. */
  public static final class Folded {
    private final ProjectorConfig config;
    private final Map<Integer, Long> next;
    private final Map<Integer, SeedStores> stores;
    private final long records;
    private final long deadLetters;
    private final long outcomes;
    private final Duration fold;

    private Folded(ProjectorConfig config, Map<Integer, Long> next, Map<Integer, SeedStores> stores, long records,
        long deadLetters, long outcomes, Duration fold) {
      this.config = config;
      this.next = next;
      this.stores = stores;
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
      long entries = writeState(config, stores);
      commit(config, next);
      return new Result(next, records, deadLetters, outcomes, entries, fold,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** {@link #fold}, then {@link Folded#seed}. */
  public static Result seed(ProjectorConfig config, Map<Integer, Long> end, Consumer<List<Outcome>> outcomes,
      ProjectorOptions.Progress progress) {
    return fold(config, end, outcomes, progress).seed();
  }

  /** One partition's state in the projector's own stores, over maps: the same names and layout as a task's. */
  private static final class SeedStores {
    final List<MapKeyValueStore<Bytes, byte[]>> stores = new ArrayList<>();
    final KeyValueInventoryStore inventory;
    final KeyValueOrderStore orders;

    SeedStores(Duration retention) {
      for (String name : KeyValueInventoryStore.storeNames()) {
        stores.add(new MapKeyValueStore<>(name));
      }
      inventory = new KeyValueInventoryStore(stores.get(0), stores.get(1), stores.get(2), stores.get(3), retention);
      orders = new KeyValueOrderStore(stores.get(4), retention);
    }
  }

  private static long writeState(ProjectorConfig config, Map<Integer, SeedStores> folds) {
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
      // The stores hold the very bytes a task's stores hold; each partition's entries go out in key order.
      AtomicLong written = new AtomicLong();
      folds.forEach((p, f) -> {
        for (MapKeyValueStore<Bytes, byte[]> store : f.stores) {
          String topic = changelog(app, store.name());
          for (var x : store.entries().entrySet()) {
            producer.send(new ProducerRecord<>(topic, p, x.getKey().get(), x.getValue()), check);
          }
          written.addAndGet(store.entries().size());
        }
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

  private static Properties producerProperties(ProjectorConfig config) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One batch in flight per broker: on topics just created, Kafka's producer (4.1, and 4.3 still) can have the batches behind
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
