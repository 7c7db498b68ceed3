package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The order was cancelled: the held units become available again. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId"})
public record ReservationCancelled(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId) implements SkuEvent {

  public static final String TYPE = "ReservationCancelled";

  public ReservationCancelled {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
