package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** Payment went through for the whole order: every line is confirmed, or, if the order can no longer be confirmed, none. Keyed by {@code orderId}; decided by the order's coordinator first, then applied to every line. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "orderId", "occurredAt"})
public record OrderConfirmed(int schemaVersion, String eventId, String orderId, Instant occurredAt) implements OrderEvent {

  public static final String TYPE = "OrderConfirmed";

  public OrderConfirmed {
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
