package io.stocklog.readmodel;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one statement read, with the applied positions of the partitions it asked about, from the same
 * snapshot: the value is exactly as new as those positions.
 *
 * @param applied by partition number; a partition the sink never touched is absent
 */
public record AppliedRead<T>(T value, List<PartitionPosition> applied) {

  public AppliedRead {
    Objects.requireNonNull(value, "value");
    applied = List.copyOf(applied);
  }

  /** The applied position of {@code partition}, if the sink has touched it. */
  public Optional<PartitionPosition> appliedOf(int partition) {
    for (PartitionPosition p : applied) {
      if (p.partition() == partition) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
