package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * More time for a whole order: every line is held until at least {@code occurredAt + holdSeconds}. Never shortens
 * the hold. Keyed by {@code orderId}; decided by the order's coordinator first, then applied to every line.
 */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "orderId", "occurredAt", "holdSeconds"})
public record OrderExtended(int schemaVersion, String eventId, String orderId, Instant occurredAt, int holdSeconds)
    implements OrderEvent {

  public static final String TYPE = "OrderExtended";

  public OrderExtended {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("orderId", orderId);
    Checks.time("occurredAt", occurredAt);
    Checks.holdSeconds("holdSeconds", holdSeconds);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
