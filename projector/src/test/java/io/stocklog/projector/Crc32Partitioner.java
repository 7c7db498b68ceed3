package io.stocklog.projector;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * librdkafka's default partitioner, {@code consistent_random}, for a Java producer: CRC32 of the key's bytes modulo
 * the partition count, a random partition for a record without a key. What kcat, confluent-kafka-python, -go and
 * -.NET and node-rdkafka do unless told {@code partitioner=murmur2_random}; so most keys land outside the partition
 * the Java client (murmur2) would pick.
 */
public final class Crc32Partitioner implements Partitioner {

  /** The partition librdkafka's {@code consistent_random} picks for {@code key} among {@code partitions}. */
  static int partitionOf(byte[] key, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(key);
    return (int) (crc.getValue() % partitions);
  }

  @Override
  public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    int partitions = cluster.partitionsForTopic(topic).size();
    return keyBytes == null ? ThreadLocalRandom.current().nextInt(partitions) : partitionOf(keyBytes, partitions);
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}
}
