package io.stocklog.verify;

import io.stocklog.outcomes.Position;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@code reservation} row as the replay sees it: expected from the log, or read from a read model. Status and
 * reason are the column texts ({@code HELD}, {@code OUT_OF_STOCK}, ...), so whatever a read model holds can be
 * read and compared. The row's {@code updated_at} is not part of it: it is not compared.
 *
 * @param rejectReason null unless {@code status} is {@code REJECTED}
 * @param expiresAt null when no outcome gave a deadline
 * @param position where the event behind the row is; null only when read from a read model holding an invalid
 *     one (a negative partition or offset)
 */
public record ReservationEntry(String sku, String orderId, long quantity, String status, String rejectReason,
                             Instant expiresAt, Position position) {

  public ReservationEntry {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
  }

  public Key key() {
    return new Key(sku, orderId);
  }

  /** The table's primary key. */
  public record Key(String sku, String orderId) implements Comparable<Key> {

    public Key {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(orderId, "orderId");
    }

    @Override
    public int compareTo(Key other) {
      int bySku = sku.compareTo(other.sku);
      return bySku != 0 ? bySku : orderId.compareTo(other.orderId);
    }

    /** {@code sku/orderId} (neither may contain a slash). */
    @Override
    public String toString() {
      return sku + "/" + orderId;
    }
  }
}
