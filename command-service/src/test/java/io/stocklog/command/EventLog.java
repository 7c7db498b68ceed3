package io.stocklog.command;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.infra.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic of the test broker: what is in it now, from the start. */
final class EventLog {

  private EventLog() {}

  /** The event in a record's value; a test fails on one that does not decode. */
  static Event decode(byte[] value) {
    try {
      return EventCodec.decode(value);
    } catch (InvalidEventException e) {
      throw new AssertionError("not an event: " + e.getMessage(), e);
    }
  }

  static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Every record of {@code topic} up to its current end. */
  static List<ConsumerRecord<String, byte[]>> readAll(TestKafka kafka, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** The end offset of every partition of {@code topic}: how many records it holds. */
  static Map<TopicPartition, Long> ends(TestKafka kafka, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      return consumer.endOffsets(consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList());
    }
  }
}
