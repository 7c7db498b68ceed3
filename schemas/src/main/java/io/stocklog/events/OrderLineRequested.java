package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** An order's coordinator asks the SKU to hold one line (the order's lines of this SKU, summed) until {@code expiresAt}, the order's deadline: decided like a reservation, and the line expires by itself at that deadline, so a stalled coordinator never strands stock. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "step", "quantity", "expiresAt"})
public record OrderLineRequested(int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int step, long quantity, Instant expiresAt)
    implements OrderLineCommand {

  public static final String TYPE = "OrderLineRequested";

  public OrderLineRequested {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
    Checks.step("step", step);
    Checks.lineQuantity("quantity", quantity);
    Checks.time("expiresAt", expiresAt);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
