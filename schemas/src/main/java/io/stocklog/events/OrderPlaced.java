package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * An order of several lines was placed: hold every line for {@code holdSeconds}, all or nothing. Keyed by
 * {@code orderId}; its coordinator asks each SKU for a hold and decides HELD only when every line is held. Lines
 * naming the same SKU count together. A repeat (same order ID and body) yields the first outcome; the same order
 * ID with another body is refused.
 */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "orderId", "occurredAt", "holdSeconds", "lines"})
public record OrderPlaced(
    int schemaVersion, String eventId, String orderId, Instant occurredAt, int holdSeconds, List<Line> lines)
    implements OrderEvent {

  public static final String TYPE = "OrderPlaced";

  /** One line of an order as placed: a SKU and the units wanted. */
  @JsonPropertyOrder({"sku", "quantity"})
  public record Line(String sku, long quantity) {

    public Line {
      Checks.id("sku", sku);
      Checks.quantity("quantity", quantity);
    }
  }

  public OrderPlaced {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.id("orderId", orderId);
    Checks.time("occurredAt", occurredAt);
    Checks.holdSeconds("holdSeconds", holdSeconds);
    lines = Checks.lines("lines", lines);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
