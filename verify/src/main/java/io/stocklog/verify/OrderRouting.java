package io.stocklog.verify;

import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Where an order's records belong: the partition of its order ID as Kafka's default partitioner picks it,
 * murmur2 of the key's bytes (the key is the order ID, {@code RecordDecoder} sees to that). The order's coordinator
 * is that partition's task, and the lines report back to it under the same key; a record of the order anywhere
 * else would be decided by a coordinator that does not hold the order, so it is dead-lettered with this reason.
 * Stateless.
 */
public final class OrderRouting {

  private OrderRouting() {}

  /** The partition of {@code key} among {@code partitions}, as the default partitioner computes it. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /**
   * Why {@code event}, found in {@code partition} of a topic of {@code partitions}, is not where it belongs; null
   * when it is (or is not an order's record).
   */
  public static String misrouted(Event event, int partition, int partitions) {
    if (!(event instanceof OrderEvent e)) {
      return null;
    }
    int home = partitionOf(e.orderId(), partitions);
    if (home == partition) {
      return null;
    }
    return "partition: a " + e.type() + " of order '" + e.orderId() + "' belongs in partition " + home + " of "
        + partitions + " (murmur2 of its key, the default partitioner's choice), where its coordinator is; it is in "
        + "partition " + partition;
  }
}
