package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A stock count correction (damage, audit, shrinkage). Rejected if it would make available stock negative. Idempotent by {@code adjustmentId}. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "adjustmentId", "delta", "reason"})
public record StockAdjusted(
    int schemaVersion, String eventId, String sku, Instant occurredAt, String adjustmentId, long delta, String reason) implements SkuEvent {

  public static final String TYPE = "StockAdjusted";

  public StockAdjusted {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("adjustmentId", adjustmentId);
    Checks.delta("delta", delta);
    Checks.reason("reason", reason);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
