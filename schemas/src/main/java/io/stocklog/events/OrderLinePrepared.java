package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The first phase of confirming an order: the held line is kept for the order and no longer expires; it is then confirmed or released, as the coordinator decided for the whole order. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "step"})
public record OrderLinePrepared(int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int step)
    implements OrderLineCommand {

  public static final String TYPE = "OrderLinePrepared";

  public OrderLinePrepared {
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
