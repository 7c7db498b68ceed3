package io.stocklog.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * An order's lines as the {@code orders.lines} column keeps them: a JSON array, one element per SKU in the order
 * first named, {@code {"sku","quantity","status"}} plus {@code "reason"} and {@code "available"} for a refused line;
 * {@code status} is null while the order is PENDING. (Postgres keeps {@code jsonb} with its keys in an order of its
 * own: read it back with {@link #read}.)
 */
public final class OrderLinesJson {

  private OrderLinesJson() {}

  /** The column's text for {@code lines}. */
  public static String write(List<OrderOutcome.Line> lines) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (OrderOutcome.Line l : lines) {
      ObjectNode line = array.addObject().put("sku", l.sku()).put("quantity", l.quantity());
      if (l.status() == null) {
        line.putNull("status");
      } else {
        line.put("status", l.status().name());
      }
      if (l.reason() != null) {
        line.put("reason", l.reason().name());
        if (l.available() != null) {
          line.put("available", l.available());
        }
      }
    }
    try {
      return Json.MAPPER.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("order lines did not serialise", e);
    }
  }

  /** The lines in a column's text. */
  public static List<OrderOutcome.Line> read(String json) {
    try {
      JsonNode array = Json.MAPPER.readTree(json);
      List<OrderOutcome.Line> lines = new ArrayList<>(array.size());
      for (JsonNode l : array) {
        JsonNode status = l.get("status");
        JsonNode reason = l.get("reason");
        JsonNode available = l.get("available");
        lines.add(new OrderOutcome.Line(l.get("sku").asText(), l.get("quantity").asLong(),
            status == null || status.isNull() ? null : ReservationStatus.valueOf(status.asText()),
            reason == null || reason.isNull() ? null : Reason.valueOf(reason.asText()),
            available == null || available.isNull() ? null : available.asLong()));
      }
      return lines;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an order's lines: " + json, e);
    }
  }
}
