package io.stocklog.verify;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a record of the events topic is decided: the home partition of its key (a SKU event's SKU, an order's
 * record's order ID), {@code toPositive(murmur2(key bytes)) % partitions}, the partition Kafka's default Java
 * partitioner picks for the key. Every SKU has exactly one serial writer there, and every order its coordinator;
 * the command service and the projector's own appends (an order's line commands and reports) are placed there.
 *
 * <p>A producer with another partitioner (librdkafka's default {@code consistent_random} is CRC32 of the key, so
 * kcat, confluent-kafka-python/go/.NET and node-rdkafka put most keys elsewhere) or explicit partition numbers can
 * put a record anywhere. Such a record is not decided where it lands, which would split a SKU over two serial writers
 * or ask a coordinator that does not hold the order: {@link PartitionFold} hands it on to be forwarded, and the
 * projector appends it, keyed as it was, in the task's transaction, so exactly one copy reaches its home partition
 * and is decided there in that partition's order. The copy carries {@link #FORWARDED_FROM_HEADER}. A
 * {@code ClockTick} has no home: it moves the clock of the partition it is in. Stateless.
 */
public final class HomePartition {

  /**
   * The header on a forwarded copy: the position ({@code partition-offset}, {@link
   * io.stocklog.outcomes.Position#token}) of the record it copies, for operators and audits. Informational: the fold
   * decides the copy by its key alone, wherever it is, as any record.
   */
  public static final String FORWARDED_FROM_HEADER = "stocklog-forwarded-from";

  private HomePartition() {}

  /** The home partition of {@code key} among {@code partitions}, as the default partitioner computes it. */
  public static int of(String key, int partitions) {
    return of(hash(key.getBytes(StandardCharsets.UTF_8)), partitions);
  }

  /** The home partition of a key whose {@link #hash} is {@code keyHash}, among {@code partitions}. */
  public static int of(int keyHash, int partitions) {
    return Utils.toPositive(keyHash) % partitions;
  }

  /** murmur2 of a key's bytes, as the default partitioner hashes it: computed once per record. */
  public static int hash(byte[] key) {
    return Utils.murmur2(key);
  }
}
