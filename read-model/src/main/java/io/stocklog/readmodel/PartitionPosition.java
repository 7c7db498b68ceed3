package io.stocklog.readmodel;

import io.stocklog.outcomes.Position;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code applied_position} row: the read model holds every outcome caused by events at offsets up to
 * {@code appliedOffset} of this events partition, as last confirmed at {@code checkedAt}.
 *
 * @param appliedOffset -1 when the sink owns the partition but has applied nothing from it yet
 * @param ageMs how long ago {@code checkedAt} was, by the database's clock, when this row was read
 */
public record PartitionPosition(int partition, long appliedOffset, Instant checkedAt, long ageMs) {

  public PartitionPosition {
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0 (was " + partition + ")");
    }
    if (appliedOffset < -1) {
      throw new IllegalArgumentException("appliedOffset must be >= -1 (was " + appliedOffset + ")");
    }
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** The position applied so far; empty while nothing has been. */
  public Optional<Position> position() {
    return appliedOffset < 0 ? Optional.empty() : Optional.of(new Position(partition, appliedOffset));
  }

  /** Whether a client holding {@code token} would see its write here. */
  public boolean satisfies(Position token) {
    return token.partition() == partition && appliedOffset >= token.offset();
  }
}
