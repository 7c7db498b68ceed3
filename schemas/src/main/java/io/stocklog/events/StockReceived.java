package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** Units arrived at the warehouse. Idempotent by {@code receiptId}. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "receiptId", "quantity"})
public record StockReceived(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String receiptId, long quantity) implements SkuEvent {

  public static final String TYPE = "StockReceived";

  public StockReceived {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("receiptId", receiptId);
    Checks.quantity("quantity", quantity);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
