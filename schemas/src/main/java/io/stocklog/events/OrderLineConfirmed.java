package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The second phase of confirming an order: the prepared line's units leave the warehouse (onHand and reserved both drop). */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "step"})
public record OrderLineConfirmed(int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int step)
    implements OrderLineCommand {

  public static final String TYPE = "OrderLineConfirmed";

  public OrderLineConfirmed {
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
