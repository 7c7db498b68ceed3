package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** Payment went through: the held units leave the warehouse (onHand and reserved both drop). */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId"})
public record ReservationConfirmed(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId) implements SkuEvent {

  public static final String TYPE = "ReservationConfirmed";

  public ReservationConfirmed {
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
