package io.stocklog.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.outcomes.Position;
import java.time.Instant;
import java.util.Objects;

/**
 * An {@code orders} row as the replay sees it: expected from the log, or read from a read model. Status and reason
 * are the column texts, and the lines the column's JSON as a tree ({@code [{"sku","quantity","status"}, ...]} with
 * {@code "reason"} and {@code "available"} for a refused line), compared as JSON, whatever order Postgres keeps the
 * keys in.
 *
 * @param rejectReason null unless {@code status} is {@code REJECTED}
 * @param expiresAt null while PENDING and for an order that never held anything
 * @param position where the record behind the row is; null only when read from a read model holding an invalid one
 */
public record OrderEntry(String orderId, String status, String rejectReason, Instant expiresAt, JsonNode lines,
                         Position position, Instant updatedAt) {

  public OrderEntry {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lines, "lines");
  }
}
