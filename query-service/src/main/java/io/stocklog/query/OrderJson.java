package io.stocklog.query;

import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.readmodel.OrderRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /orders/{orderId}}: {@code {"orderId","status","expiresAt","lines":[{"sku","quantity",
 * "status"}],"position","updatedAt","freshness"}}, with {@code "rejectReason"} for a REJECTED order and
 * {@code "reason"} and {@code "available"} for each refused line. A line's {@code status} is null while the order
 * is PENDING (its lines are still being asked for).
 */
final class OrderJson {

  private OrderJson() {}

  static Map<String, Object> order(OrderRow row, Freshness freshness) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", row.orderId());
    body.put("status", row.status());
    body.put("expiresAt", row.expiresAt());
    if (row.status() == OrderStatus.REJECTED) {
      body.put("rejectReason", row.rejectReason());
    }
    List<Map<String, Object>> lines = new ArrayList<>(row.lines().size());
    for (OrderOutcome.Line l : row.lines()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("sku", l.sku());
      line.put("quantity", l.quantity());
      line.put("status", l.status());
      if (l.reason() != null) {
        line.put("reason", l.reason());
        if (l.available() != null) {
          line.put("available", l.available());
        }
      }
      lines.add(line);
    }
    body.put("lines", lines);
    body.put("position", row.position().token());
    body.put("updatedAt", row.updatedAt());
    body.put("freshness", freshness);
    return body;
  }
}
