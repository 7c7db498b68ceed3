package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The order was rejected, cancelled or could not be confirmed: the line's units are available again. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "step"})
public record OrderLineReleased(int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int step)
    implements OrderLineCommand {

  public static final String TYPE = "OrderLineReleased";

  public OrderLineReleased {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
    Checks.step("step", step);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
