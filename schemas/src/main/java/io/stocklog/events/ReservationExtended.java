package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** More time during payment: the hold lasts at least until {@code occurredAt + holdSeconds}. Never shortens a hold, so a repeat changes nothing. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "holdSeconds"})
public record ReservationExtended(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int holdSeconds) implements SkuEvent {

  public static final String TYPE = "ReservationExtended";

  public ReservationExtended {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
    Checks.holdSeconds("holdSeconds", holdSeconds);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
