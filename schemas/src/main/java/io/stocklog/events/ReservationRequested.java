package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** An order was placed: hold {@code quantity} units for {@code holdSeconds} from {@code occurredAt}, if available. Idempotent by {@code orderId} within the SKU. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "quantity", "holdSeconds"})
public record ReservationRequested(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, long quantity, int holdSeconds) implements SkuEvent {

  public static final String TYPE = "ReservationRequested";

  public ReservationRequested {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
    Checks.quantity("quantity", quantity);
    Checks.holdSeconds("holdSeconds", holdSeconds);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
