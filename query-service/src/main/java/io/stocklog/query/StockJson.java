package io.stocklog.query;

import io.stocklog.json.IsoInstants;
import io.stocklog.json.Json;
import io.stocklog.json.PlainJson;
import io.stocklog.readmodel.SkuRow;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SKU's stock as the query service writes it, in {@code GET /skus/{sku}} and in every stream event alike:
 * {@code {"sku","onHand","reserved","available","position","updatedAt","freshness":{...}}}, written straight into
 * bytes (SKUs and positions are plain ASCII), so a change fanned out to thousands of streams is written once.
 */
final class StockJson {

  private StockJson() {}

  static byte[] sku(SkuRow row, Freshness freshness) {
    PlainJson f = PlainJson.object();
    if (freshness.position() == null) {
      f.nul("position");
    } else {
      f.string("position", freshness.position());
    }
    if (freshness.ageMs() == null) {
      f.nul("ageMs");
    } else {
      f.number("ageMs", freshness.ageMs());
    }
    byte[] freshnessJson = f.bool("behind", freshness.behind()).bytes();
    byte[] json = freshnessJson == null ? null : fields(row).raw("freshness", freshnessJson).bytes();
    return json != null ? json : general(row, freshness);
  }

  /** The row's fields alone, for a list of SKUs. */
  static Map<String, Object> fieldsMap(SkuRow row) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sku", row.sku());
    body.put("onHand", row.onHand());
    body.put("reserved", row.reserved());
    body.put("available", row.available());
    body.put("position", row.position().token());
    body.put("updatedAt", row.updatedAt());
    return body;
  }

  /** One Server-Sent Event: the position as its {@code id}, the JSON as its {@code data} (one line). */
  static byte[] event(SkuRow row, Freshness freshness) {
    byte[] head = ("id: " + row.position().token() + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
    byte[] json = sku(row, freshness);
    byte[] frame = new byte[head.length + json.length + 2];
    System.arraycopy(head, 0, frame, 0, head.length);
    System.arraycopy(json, 0, frame, head.length, json.length);
    frame[frame.length - 2] = '\n';
    frame[frame.length - 1] = '\n';
    return frame;
  }

  private static PlainJson fields(SkuRow row) {
    return PlainJson.object()
        .string("sku", row.sku())
        .number("onHand", row.onHand())
        .number("reserved", row.reserved())
        .number("available", row.available())
        .string("position", row.position().token())
        .string("updatedAt", IsoInstants.format(row.updatedAt()));
  }

  private static byte[] general(SkuRow row, Freshness freshness) {
    Map<String, Object> body = fieldsMap(row);
    body.put("freshness", freshness);
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
