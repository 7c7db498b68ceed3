package io.stocklog.operator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts records the way a {@code read_committed} reader sees them.
 *
 * <p>Offsets alone over-count on a topic written in transactions (the outcomes and dead-letter topics, both
 * written by the exactly-once projector): every transaction leaves a commit marker that takes an offset but
 * is no record, and an aborted transaction leaves records no reader ever gets. So a consumer that has read
 * everything still sits one offset or more below the end, and {@code end - start} is only an upper bound
 * on the records. Reading the range with {@code read_committed} gives the real count, and it is cheap where
 * it matters: a caught-up reader has nothing or only markers left to read. Ranges longer than a limit are not
 * read; their offset distance stands in, flagged as inexact.
 */
final class CommittedRecords {

  /** Records counted in each partition, and whether every partition was counted rather than estimated. */
  record Count(Map<Integer, Long> byPartition, boolean exact) {
    long total() {
      return byPartition.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private CommittedRecords() {}

  /** An admin client for one command, failing within {@code timeout} when Kafka does not answer. */
  static Admin admin(String bootstrapServers, Duration timeout) {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG, "stocklog-operator",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000)));
  }

  /** A consumer with no group that reads committed records only, from where it is told to seek. */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "stocklog-operator-reader");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // An offset below the log start (deleted by retention) reads from the start, never skips to the end.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    // Looking at a topic must never create it.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The committed records of {@code topic} in {@code [from, to)} of each partition of {@code to}. A partition
   * whose range is longer than {@code maxRead} offsets, or that is not read within {@code budget}, counts
   * its offset distance instead and makes the count inexact. Records of a transaction still open are not
   * counted: no reader can have them yet.
   */
  static Count count(String bootstrapServers, String topic, Map<Integer, Long> from, Map<Integer, Long> to,
      long maxRead, Duration budget) {
    Map<Integer, Long> counts = new TreeMap<>();
    Map<TopicPartition, Long> toRead = new HashMap<>();
    boolean exact = true;
    for (Map.Entry<Integer, Long> e : to.entrySet()) {
      long start = from.getOrDefault(e.getKey(), 0L);
      long distance = Math.max(0, e.getValue() - start);
      counts.put(e.getKey(), 0L);
      if (distance == 0) {
        continue;
      }
      if (distance > maxRead) {
        counts.put(e.getKey(), distance);
        exact = false;
      } else {
        toRead.put(new TopicPartition(topic, e.getKey()), start);
      }
    }
    if (toRead.isEmpty()) {
      return new Count(counts, exact);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      consumer.assign(toRead.keySet());
      toRead.forEach(consumer::seek);
      // For read_committed the end offsets are the last stable offsets: nothing past them is readable yet.
      Map<TopicPartition, Long> stable = consumer.endOffsets(toRead.keySet());
      Map<TopicPartition, Long> stopAt = new HashMap<>();
      for (TopicPartition tp : toRead.keySet()) {
        stopAt.put(tp, Math.min(to.get(tp.partition()), stable.getOrDefault(tp, 0L)));
      }
      long deadline = System.nanoTime() + budget.toNanos();
      while (!done(consumer, stopAt)) {
        if (System.nanoTime() > deadline) {
          for (TopicPartition tp : stopAt.keySet()) {
            if (consumer.position(tp) < stopAt.get(tp)) {
              // Not read in time: what is left of the range counts by its offsets.
              counts.merge(tp.partition(), stopAt.get(tp) - consumer.position(tp), Long::sum);
              exact = false;
            }
          }
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.offset() < stopAt.get(new TopicPartition(r.topic(), r.partition()))) {
            counts.merge(r.partition(), 1L, Long::sum);
          }
        }
      }
    }
    return new Count(counts, exact);
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> stopAt) {
    for (Map.Entry<TopicPartition, Long> e : stopAt.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
