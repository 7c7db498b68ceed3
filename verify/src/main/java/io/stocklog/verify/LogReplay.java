package io.stocklog.verify;

import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.InventoryStore;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.inventory.orders.InMemoryOrderStore;
import io.stocklog.inventory.orders.OrderStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events topic from its first record and folds each partition with a fresh {@link PartitionFold},
 * as a new projector would, up to given offsets.
 *
 * <p><b>Offsets are inclusive</b>: {@code through.get(p)} is the <em>last</em> offset of partition {@code p}
 * folded, -1 for none. That is what {@code applied_position.applied_offset} records, so a read model's
 * positions can be passed as they are.
 *
 * <p>The consumer reads {@code read_committed} (records of aborted transactions are skipped, as Streams skips
 * them), is assigned its partitions (no consumer group, nothing committed) and reads each partition only
 * up to its offset. Offsets at or past the log's committed end are refused rather than waited for.
 *
 * <p>Decoding runs ahead on a few threads ({@link #withDecodeThreads}); deciding, and every call to the
 * listener, happen on the thread that called {@link #replay}, in log order per partition.
 *
 * <p>Immutable and thread-safe; each {@link #replay} opens its own consumer.
 */
public final class LogReplay {

  private static final Logger log = LoggerFactory.getLogger(LogReplay.class);

  /** The projector's default retention ({@link Inventory#DEFAULT_RETENTION}). */
  public static final Duration DEFAULT_RETENTION = Inventory.DEFAULT_RETENTION;
  /** How long reading may make no progress before the replay gives up. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final String topic;
  private final Duration retention;
  private final int maxEventBytes;
  private final Duration timeout;
  private final int decodeThreads;

  private LogReplay(String bootstrapServers, String topic, Duration retention, int maxEventBytes, Duration timeout,
      int decodeThreads) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be empty");
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive (was " + maxEventBytes + ")");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive (was " + timeout + ")");
    }
    if (decodeThreads < 0 || decodeThreads > 64) {
      throw new IllegalArgumentException("decodeThreads must be between 0 and 64 (was " + decodeThreads + ")");
    }
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.retention = Objects.requireNonNull(retention, "retention");
    this.maxEventBytes = maxEventBytes;
    this.timeout = timeout;
    this.decodeThreads = decodeThreads;
  }

  /** Replays {@code eventsTopic} with the projector's defaults: retention, largest event, 30 s timeout. */
  public static LogReplay of(String bootstrapServers, String eventsTopic) {
    return new LogReplay(bootstrapServers, eventsTopic, DEFAULT_RETENTION, RecordDecoder.DEFAULT_MAX_EVENT_BYTES,
        DEFAULT_TIMEOUT, defaultDecodeThreads());
  }

  /** The same replay with the projector's {@code STOCKLOG_RETENTION_DAYS}, if it is not the default. */
  public LogReplay withRetention(Duration newRetention) {
    return new LogReplay(bootstrapServers, topic, newRetention, maxEventBytes, timeout, decodeThreads);
  }

  public LogReplay withMaxEventBytes(int newMaxEventBytes) {
    return new LogReplay(bootstrapServers, topic, retention, newMaxEventBytes, timeout, decodeThreads);
  }

  public LogReplay withTimeout(Duration newTimeout) {
    return new LogReplay(bootstrapServers, topic, retention, maxEventBytes, newTimeout, decodeThreads);
  }

  /**
   * The same replay decoding on {@code threads} threads besides the one that decides (0: all on one thread).
   * By default one per core: decoding JSON costs about as much as deciding.
   */
  public LogReplay withDecodeThreads(int threads) {
    return new LogReplay(bootstrapServers, topic, retention, maxEventBytes, timeout, threads);
  }

  public static int defaultDecodeThreads() {
    return Math.min(4, Runtime.getRuntime().availableProcessors());
  }

  public String topic() {
    return topic;
  }

  public Duration retention() {
    return retention;
  }

  /**
   * Every partition of the topic with its last committed offset now (the last stable offset minus one;
   * -1 when empty): what {@link #replay} would take to fold the whole log.
   */
  public Map<Integer, Long> lastOffsets() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return lastOffsets(consumer, partitions(consumer));
    }
  }

  /**
   * Folds every partition named in {@code through} from its first record through the offset given
   * (inclusive; -1 folds nothing), reporting each record to {@code listener}. Partitions not named are not
   * read.
   *
   * @throws IllegalArgumentException if a partition does not exist, or an offset is below -1 or at or past
   *     the partition's committed end
   * @throws IllegalStateException if a partition no longer starts at offset 0 (records deleted: no fold could
   *     be the projector's), or reading makes no progress for the timeout
   */
  public Result<InMemoryInventoryStore> replay(Map<Integer, Long> through, ReplayListener listener) {
    return replay(through, p -> new InMemoryInventoryStore(), listener);
  }

  /**
   * As {@link #replay(Map, ReplayListener)}, folding each partition's state into a store of the caller's:
   * {@code stores} is asked once per partition folded, for an empty store.
   */
  public <S extends InventoryStore> Result<S> replay(Map<Integer, Long> through, IntFunction<S> stores,
      ReplayListener listener) {
    return replay(through, stores, p -> new InMemoryOrderStore(), listener);
  }

  /**
   * As {@link #replay(Map, IntFunction, ReplayListener)}, folding each partition's orders into a store of the
   * caller's too: {@code orderStores} is asked once per partition folded, for an empty store.
   */
  public <S extends InventoryStore> Result<S> replay(Map<Integer, Long> through, IntFunction<S> stores,
      IntFunction<? extends OrderStore> orderStores, ReplayListener listener) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(orderStores, "orderStores");
    Objects.requireNonNull(stores, "stores");
    Map<Integer, Long> limits = new TreeMap<>(Objects.requireNonNull(through, "through"));
    limits.forEach((p, last) -> {
      if (last == null || last < -1) {
        throw new IllegalArgumentException("partition " + p + ": the last offset to fold must be >= -1 (was " + last + ")");
      }
    });
    long started = System.nanoTime();
    Map<Integer, PartitionFold<S>> folds = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> all = partitions(consumer);
      Set<Integer> existing = all.stream().map(TopicPartition::partition).collect(Collectors.toSet());
      for (int p : limits.keySet()) {
        if (!existing.contains(p)) {
          throw new IllegalArgumentException("partition " + p + " of " + topic + " does not exist (the topic has "
              + existing.size() + ")");
        }
      }
      List<TopicPartition> wanted = all.stream().filter(tp -> limits.containsKey(tp.partition())).toList();
      Map<Integer, Long> last = lastOffsets(consumer, wanted);
      Map<TopicPartition, Long> first = consumer.beginningOffsets(wanted, timeout);
      List<TopicPartition> active = new ArrayList<>();
      for (TopicPartition tp : wanted) {
        int p = tp.partition();
        long limit = limits.get(p);
        folds.put(p, new PartitionFold<>(p, all.size(), stores.apply(p), orderStores.apply(p), retention,
            maxEventBytes));
        if (limit > last.get(p)) {
          throw new IllegalArgumentException("partition " + p + " of " + topic + ": asked to fold through offset "
              + limit + ", but its last committed offset is " + last.get(p));
        }
        if (limit >= 0 && first.get(tp) > 0) {
          throw new IllegalStateException("partition " + p + " of " + topic + " starts at offset " + first.get(tp)
              + ": the records before it are gone, so no fold can reproduce the projector's decisions");
        }
        if (limit >= 0) {
          active.add(tp);
        }
      }
      read(consumer, active, limits, folds, listener);
    }
    long events = 0;
    long deadLetters = 0;
    long forwarded = 0;
    long outcomes = 0;
    for (PartitionFold<S> f : folds.values()) {
      events += f.events();
      deadLetters += f.deadLetters();
      forwarded += f.forwarded();
      outcomes += f.outcomes();
    }
    long records = events + deadLetters + forwarded;
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    log.debug("replayed {} records of {} ({} decided, {} dead letters, {} forwarded home, {} outcomes) in {} ms",
        records, topic, events, deadLetters, forwarded, outcomes, elapsed.toMillis());
    return new Result<>(Collections.unmodifiableMap(limits), records, events, deadLetters, outcomes,
        Collections.unmodifiableMap(folds), elapsed);
  }

  private void read(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> active, Map<Integer, Long> limits,
      Map<Integer, ? extends PartitionFold<?>> folds, ReplayListener listener) {
    if (active.isEmpty()) {
      return;
    }
    List<TopicPartition> remaining = new ArrayList<>(active);
    consumer.assign(remaining);
    consumer.seekToBeginning(remaining);
    long lastProgress = System.nanoTime();
    try (FoldPipeline pipeline = new FoldPipeline(folds, maxEventBytes, listener, decodeThreads)) {
      while (!remaining.isEmpty()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          List<FoldPipeline.Raw> batch = new ArrayList<>(records.count());
          for (TopicPartition tp : records.partitions()) {
            long limit = limits.get(tp.partition());
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
              if (r.offset() > limit) {
                break;
              }
              batch.add(new FoldPipeline.Raw(tp.partition(), r.offset(), r.key(), r.value()));
            }
          }
          pipeline.submit(batch);
          lastProgress = System.nanoTime();
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : remaining) {
          // Past the limit: every record up to it has been seen (aborted records and markers are skipped over).
          if (consumer.position(tp, timeout) > limits.get(tp.partition())) {
            done.add(tp);
          }
        }
        if (!done.isEmpty()) {
          remaining.removeAll(done);
          consumer.pause(done);
          lastProgress = System.nanoTime();
        }
        if (!remaining.isEmpty() && System.nanoTime() - lastProgress > timeout.toNanos()) {
          Map<Integer, String> where = new TreeMap<>();
          remaining.forEach(tp -> where.put(tp.partition(),
              "at " + consumer.position(tp) + " of " + limits.get(tp.partition())));
          throw new IllegalStateException("replay of " + topic + " made no progress for " + timeout + ": " + where);
        }
      }
      pipeline.finish();
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist on " + bootstrapServers);
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
        .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
  }

  private Map<Integer, Long> lastOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    Map<Integer, Long> last = new TreeMap<>();
    // read_committed: the end offsets are the last stable offsets, so an open transaction is not waited for.
    consumer.endOffsets(partitions, timeout).forEach((tp, end) -> last.put(tp.partition(), end - 1));
    return last;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "stocklog-replay");
    // Events written in a transaction that aborted were never decided: skip them as Streams does.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Assigned, not subscribed: no group, nothing committed, no rebalance to wait for.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A replay reads the log as fast as the broker serves it: big fetches, many records per poll.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 4 * 1024 * 1024);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * What a replay read.
   *
   * @param through the last offset folded per partition, as asked
   * @param records records read (decided, dead-lettered, or forwarded to their home partition)
   * @param events records decided (ticks included)
   * @param deadLetters records the projector would dead-letter
   * @param outcomes outcomes produced
   * @param folds each partition's fold, with its final state
   */
  public record Result<S extends InventoryStore>(Map<Integer, Long> through, long records, long events,
      long deadLetters, long outcomes, Map<Integer, PartitionFold<S>> folds, Duration elapsed) {

    /** Records folded per second of the whole replay (reading included). */
    public double recordsPerSecond() {
      return records / Math.max(elapsed.toNanos() / 1e9, 1e-9);
    }
  }

  @Override
  public String toString() {
    return "LogReplay[" + topic + " on " + bootstrapServers + ", retention " + retention + "]";
  }
}
