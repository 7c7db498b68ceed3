package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** The order's hold was extended: the line is held until at least {@code expiresAt}, the order's new deadline. */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "sku", "occurredAt", "orderId", "step", "expiresAt"})
public record OrderLineExtended(int schemaVersion, String eventId, String sku, Instant occurredAt, String orderId, int step, Instant expiresAt)
    implements OrderLineCommand {

  public static final String TYPE = "OrderLineExtended";

  public OrderLineExtended {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("sku", sku);
    Checks.time("occurredAt", occurredAt);
    Checks.id("orderId", orderId);
    Checks.step("step", step);
    Checks.time("expiresAt", expiresAt);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
