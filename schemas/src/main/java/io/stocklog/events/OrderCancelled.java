package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The shopper gave up: every line of a held order is released. Keyed by {@code orderId}; decided by the order's coordinator first, then applied to every line. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "orderId", "occurredAt"})
public record OrderCancelled(int schemaVersion, String eventId, String orderId, Instant occurredAt) implements OrderEvent {

  public static final String TYPE = "OrderCancelled";

  public OrderCancelled {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("orderId", orderId);
    Checks.time("occurredAt", occurredAt);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
