package io.stocklog.query;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The events partition of a SKU, or of an order (its records are keyed by its order ID), computed exactly as Kafka's
 * default partitioner places a String key.
 */
public record SkuPartitioner(int partitions) {

  public SkuPartitioner {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1 (was " + partitions + ")");
    }
  }

  public int partitionOf(String sku) {
    return Utils.toPositive(Utils.murmur2(sku.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
