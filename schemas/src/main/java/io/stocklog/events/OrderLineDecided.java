package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A line's partition reports to the order's coordinator what it decided about a hold, prepare or extend of the
 * line: keyed by {@code orderId}, so it lands in the coordinator's partition. Written only by the line's
 * partition, with a deterministic event ID and that partition's clock as {@code occurredAt}.
 *
 * @param step the coordinator's step this answers (the step of the {@link OrderLineCommand})
 * @param available the SKU's available units after the decision: for a line refused as out of stock, what there
 *     was
 */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "orderId", "occurredAt", "sku", "step", "result", "available"})
public record OrderLineDecided(
    int schemaVersion, String eventId, String orderId, Instant occurredAt, String sku, int step, LineResult result,
    long available) implements OrderEvent {

  public static final String TYPE = "OrderLineDecided";

  public OrderLineDecided {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("orderId", orderId);
    Checks.time("occurredAt", occurredAt);
    Checks.id("sku", sku);
    Checks.step("step", step);
    Checks.required("result", result);
    Checks.available("available", available);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
