package io.stocklog.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.stocklog.json.IsoInstants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events to and from JSON in one pass over the tokens, without building a tree or asking the data binder: the
 * fast path of {@link EventCodec}, which decoding every event of the log and encoding every appended one goes
 * through. It reads only the canonical shape (every field of the type exactly once, nothing else, integers as
 * JSON integers, strings as strings, the time in the UTC form of {@link IsoInstants}) and says null for anything
 * else, which {@link EventCodec} then decodes the careful way (strict binding, then the JSON Schema for the
 * message). What it accepts the careful way accepts too, with the same values: {@code EventJsonTest} holds both
 * to each other over generated valid events and mangled ones. It writes exactly the bytes the data binder
 * writes.
 */
final class EventJson {

  // Buffers from a shared pool: the default per-thread recycler reuses nothing on virtual threads (see Json).
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
      .build();

  // One bit per field, to catch a field given twice, one missing or one that the type does not have.
  private static final int TYPE = 1;
  private static final int VERSION = 1 << 1;
  private static final int EVENT_ID = 1 << 2;
  private static final int SKU = 1 << 3;
  private static final int OCCURRED_AT = 1 << 4;
  private static final int RECEIPT_ID = 1 << 5;
  private static final int ADJUSTMENT_ID = 1 << 6;
  private static final int ORDER_ID = 1 << 7;
  private static final int QUANTITY = 1 << 8;
  private static final int DELTA = 1 << 9;
  private static final int REASON = 1 << 10;
  private static final int HOLD_SECONDS = 1 << 11;
  private static final int STEP = 1 << 12;
  private static final int EXPIRES_AT = 1 << 13;
  private static final int RESULT = 1 << 14;
  private static final int AVAILABLE = 1 << 15;
  private static final int LINES = 1 << 16;
  /** The fields written as JSON numbers; {@link #LINES} is an array; every other field is a string. */
  private static final int NUMBERS = VERSION | QUANTITY | DELTA | HOLD_SECONDS | STEP | AVAILABLE;
  private static final int COMMON = TYPE | VERSION | EVENT_ID | OCCURRED_AT;

  private EventJson() {}

  /** The event, if {@code bytes} are one in the canonical shape; null otherwise (not an error: ask the codec). */
  static Event read(byte[] bytes) {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = null;
      String eventId = null;
      String sku = null;
      String occurredAt = null;
      String id = null;
      String reason = null;
      int version = 0;
      long amount = 0;
      int hold = 0;
      int step = 0;
      long available = 0;
      String expiresAt = null;
      String result = null;
      List<OrderPlaced.Line> lines = null;
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String name = p.currentName();
        JsonToken v = p.nextToken();
        int bit;
        switch (name) {
          case "type" -> {
            bit = TYPE;
            type = text(p, v);
          }
          case "schemaVersion" -> {
            bit = VERSION;
            if (!isInt(p, v)) {
              return null;
            }
            version = p.getIntValue();
          }
          case "eventId" -> {
            bit = EVENT_ID;
            eventId = text(p, v);
          }
          case "sku" -> {
            bit = SKU;
            sku = text(p, v);
          }
          case "occurredAt" -> {
            bit = OCCURRED_AT;
            occurredAt = text(p, v);
          }
          case "receiptId" -> {
            bit = RECEIPT_ID;
            id = text(p, v);
          }
          case "adjustmentId" -> {
            bit = ADJUSTMENT_ID;
            id = text(p, v);
          }
          case "orderId" -> {
            bit = ORDER_ID;
            id = text(p, v);
          }
          case "quantity", "delta" -> {
            bit = name.equals("quantity") ? QUANTITY : DELTA;
            if (!isLong(p, v)) {
              return null;
            }
            amount = p.getLongValue();
          }
          case "reason" -> {
            bit = REASON;
            reason = text(p, v);
          }
          case "holdSeconds" -> {
            bit = HOLD_SECONDS;
            if (!isInt(p, v)) {
              return null;
            }
            hold = p.getIntValue();
          }
          case "step" -> {
            bit = STEP;
            if (!isInt(p, v)) {
              return null;
            }
            step = p.getIntValue();
          }
          case "available" -> {
            bit = AVAILABLE;
            if (!isLong(p, v)) {
              return null;
            }
            available = p.getLongValue();
          }
          case "expiresAt" -> {
            bit = EXPIRES_AT;
            expiresAt = text(p, v);
          }
          case "result" -> {
            bit = RESULT;
            result = text(p, v);
          }
          case "lines" -> {
            bit = LINES;
            if (v != JsonToken.START_ARRAY || (lines = lines(p)) == null) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
        if ((seen & bit) != 0 || (bit != LINES && (v == JsonToken.VALUE_STRING) != ((bit & NUMBERS) == 0))) {
          return null;
        }
        seen |= bit;
      }
      if (p.nextToken() != null || type == null || occurredAt == null) {
        return null;
      }
      Instant at = IsoInstants.parse(occurredAt);
      if (at == null) {
        return null;
      }
      return switch (type) {
        case StockReceived.TYPE -> seen != (COMMON | SKU | RECEIPT_ID | QUANTITY) ? null
            : new StockReceived(version, eventId, sku, at, id, amount);
        case StockAdjusted.TYPE -> seen != (COMMON | SKU | ADJUSTMENT_ID | DELTA | REASON) ? null
            : new StockAdjusted(version, eventId, sku, at, id, amount, reason);
        case ReservationRequested.TYPE -> seen != (COMMON | SKU | ORDER_ID | QUANTITY | HOLD_SECONDS) ? null
            : new ReservationRequested(version, eventId, sku, at, id, amount, hold);
        case ReservationConfirmed.TYPE -> seen != (COMMON | SKU | ORDER_ID) ? null
            : new ReservationConfirmed(version, eventId, sku, at, id);
        case ReservationCancelled.TYPE -> seen != (COMMON | SKU | ORDER_ID) ? null
            : new ReservationCancelled(version, eventId, sku, at, id);
        case ReservationExtended.TYPE -> seen != (COMMON | SKU | ORDER_ID | HOLD_SECONDS) ? null
            : new ReservationExtended(version, eventId, sku, at, id, hold);
        case ClockTick.TYPE -> seen != COMMON ? null : new ClockTick(version, eventId, at);
        case OrderPlaced.TYPE -> seen != (COMMON | ORDER_ID | HOLD_SECONDS | LINES) ? null
            : new OrderPlaced(version, eventId, id, at, hold, lines);
        case OrderConfirmed.TYPE -> seen != (COMMON | ORDER_ID) ? null : new OrderConfirmed(version, eventId, id, at);
        case OrderCancelled.TYPE -> seen != (COMMON | ORDER_ID) ? null : new OrderCancelled(version, eventId, id, at);
        case OrderExtended.TYPE -> seen != (COMMON | ORDER_ID | HOLD_SECONDS) ? null
            : new OrderExtended(version, eventId, id, at, hold);
        case OrderLineDecided.TYPE -> seen != (COMMON | ORDER_ID | SKU | STEP | RESULT | AVAILABLE) ? null
            : new OrderLineDecided(version, eventId, id, at, sku, step, lineResult(result), available);
        case OrderLineRequested.TYPE -> seen != (COMMON | SKU | ORDER_ID | STEP | QUANTITY | EXPIRES_AT) ? null
            : new OrderLineRequested(version, eventId, sku, at, id, step, amount, instant(expiresAt));
        case OrderLinePrepared.TYPE -> seen != (COMMON | SKU | ORDER_ID | STEP) ? null
            : new OrderLinePrepared(version, eventId, sku, at, id, step);
        case OrderLineConfirmed.TYPE -> seen != (COMMON | SKU | ORDER_ID | STEP) ? null
            : new OrderLineConfirmed(version, eventId, sku, at, id, step);
        case OrderLineReleased.TYPE -> seen != (COMMON | SKU | ORDER_ID | STEP) ? null
            : new OrderLineReleased(version, eventId, sku, at, id, step);
        case OrderLineExtended.TYPE -> seen != (COMMON | SKU | ORDER_ID | STEP | EXPIRES_AT) ? null
            : new OrderLineExtended(version, eventId, sku, at, id, step, instant(expiresAt));
        default -> null;
      };
    } catch (IOException | IllegalArgumentException e) {
      // Not JSON, or values the event refuses: the careful path finds the words for it.
      return null;
    }
  }

  /** The bytes the data binder writes for {@code event}: its fields in their declared order. */
  static byte[] write(Event event) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", event.type());
      g.writeNumberField("schemaVersion", event.schemaVersion());
      g.writeStringField("eventId", event.eventId());
      switch (event) {
        case StockReceived e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("receiptId", e.receiptId());
          g.writeNumberField("quantity", e.quantity());
        }
        case StockAdjusted e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("adjustmentId", e.adjustmentId());
          g.writeNumberField("delta", e.delta());
          g.writeStringField("reason", e.reason());
        }
        case ReservationRequested e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("orderId", e.orderId());
          g.writeNumberField("quantity", e.quantity());
          g.writeNumberField("holdSeconds", e.holdSeconds());
        }
        case ReservationConfirmed e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("orderId", e.orderId());
        }
        case ReservationCancelled e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("orderId", e.orderId());
        }
        case ReservationExtended e -> {
          common(g, e.sku(), e.occurredAt());
          g.writeStringField("orderId", e.orderId());
          g.writeNumberField("holdSeconds", e.holdSeconds());
        }
        case ClockTick e -> g.writeStringField("occurredAt", IsoInstants.format(e.occurredAt()));
        case OrderPlaced e -> {
          order(g, e.orderId(), e.occurredAt());
          g.writeNumberField("holdSeconds", e.holdSeconds());
          g.writeArrayFieldStart("lines");
          for (OrderPlaced.Line line : e.lines()) {
            g.writeStartObject();
            g.writeStringField("sku", line.sku());
            g.writeNumberField("quantity", line.quantity());
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        case OrderConfirmed e -> order(g, e.orderId(), e.occurredAt());
        case OrderCancelled e -> order(g, e.orderId(), e.occurredAt());
        case OrderExtended e -> {
          order(g, e.orderId(), e.occurredAt());
          g.writeNumberField("holdSeconds", e.holdSeconds());
        }
        case OrderLineDecided e -> {
          order(g, e.orderId(), e.occurredAt());
          g.writeStringField("sku", e.sku());
          g.writeNumberField("step", e.step());
          g.writeStringField("result", e.result().name());
          g.writeNumberField("available", e.available());
        }
        case OrderLineRequested e -> {
          line(g, e);
          g.writeNumberField("quantity", e.quantity());
          g.writeStringField("expiresAt", IsoInstants.format(e.expiresAt()));
        }
        case OrderLinePrepared e -> line(g, e);
        case OrderLineConfirmed e -> line(g, e);
        case OrderLineReleased e -> line(g, e);
        case OrderLineExtended e -> {
          line(g, e);
          g.writeStringField("expiresAt", IsoInstants.format(e.expiresAt()));
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + event.type(), e);
    }
    return out.toByteArray();
  }

  private static void common(JsonGenerator g, String sku, Instant occurredAt) throws IOException {
    g.writeStringField("sku", sku);
    g.writeStringField("occurredAt", IsoInstants.format(occurredAt));
  }

  private static void order(JsonGenerator g, String orderId, Instant occurredAt) throws IOException {
    g.writeStringField("orderId", orderId);
    g.writeStringField("occurredAt", IsoInstants.format(occurredAt));
  }

  private static void line(JsonGenerator g, OrderLineCommand e) throws IOException {
    common(g, e.sku(), e.occurredAt());
    g.writeStringField("orderId", e.orderId());
    g.writeNumberField("step", e.step());
  }

  /** An order's lines in the canonical shape ({@code sku}, then {@code quantity}, nothing else); null otherwise. */
  private static List<OrderPlaced.Line> lines(JsonParser p) throws IOException {
    List<OrderPlaced.Line> lines = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"sku".equals(p.currentName())
          || p.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String sku = p.getText();
      if (p.nextToken() != JsonToken.FIELD_NAME || !"quantity".equals(p.currentName())
          || !isLong(p, p.nextToken())) {
        return null;
      }
      long quantity = p.getLongValue();
      if (p.nextToken() != JsonToken.END_OBJECT) {
        return null;
      }
      lines.add(new OrderPlaced.Line(sku, quantity));
    }
    return lines;
  }

  /** A time the fast path reads; one it cannot is left to the careful path by failing the record. */
  private static Instant instant(String text) {
    Instant at = text == null ? null : IsoInstants.parse(text);
    if (at == null) {
      throw new IllegalArgumentException("not a canonical time");
    }
    return at;
  }

  private static LineResult lineResult(String name) {
    return LineResult.valueOf(name);
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  private static boolean isInt(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
  }

  private static boolean isLong(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
        || p.getNumberType() == JsonParser.NumberType.LONG);
  }
}
