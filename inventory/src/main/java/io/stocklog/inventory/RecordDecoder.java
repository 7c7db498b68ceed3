package io.stocklog.inventory;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Which records of the events topic are events the projector decides, and which it dead-letters. One copy
 * of the rule, used by the projector's decide step and by the offline fold ({@code io.stocklog.verify}), so that a
 * replay skips exactly the records the projector skipped and the two folds cannot drift apart.
 */
public final class RecordDecoder {

  /**
   * The largest record decoded by default; a larger one is dead-lettered without being parsed: a valid event is
   * well under a kilobyte, and parsing megabytes of garbage would only stall the partition.
   */
  public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;

  private RecordDecoder() {}

  /**
   * The event in a record of the events topic.
   *
   * @param key the record's key bytes (a SKU event must be keyed by its SKU, an order's record by its order ID; a
   *     tick may have any key)
   * @param value the record's value bytes
   * @param maxEventBytes a larger value is refused without being parsed
   * @throws InvalidEventException when the record is too large, not JSON, against its schema, of an unknown
   *     type, or a SKU event (an order's record) whose key is missing or not its SKU (its order ID); the message
   *     says which
   */
  public static Event decode(byte[] key, byte[] value, int maxEventBytes) throws InvalidEventException {
    if (value != null && value.length > maxEventBytes) {
      throw new InvalidEventException("record too large: " + value.length + " bytes, and an event is at most "
          + maxEventBytes);
    }
    Event event = EventCodec.decode(value);
    return switch (event) {
      case ClockTick tick -> tick;
      case OrderEvent e -> {
        byte[] orderId = e.orderId().getBytes(StandardCharsets.UTF_8);
        if (key == null) {
          throw new InvalidEventException(
              "key: is missing; a " + e.type() + " must be keyed by its orderId '" + e.orderId() + "'");
        }
        if (!Arrays.equals(key, orderId)) {
          throw new InvalidEventException("key: '" + abbreviate(new String(key, StandardCharsets.UTF_8))
              + "' is not the event's orderId '" + e.orderId() + "'");
        }
        yield e;
      }
      case SkuEvent e -> {
        byte[] sku = e.sku().getBytes(StandardCharsets.UTF_8);
        if (key == null) {
          throw new InvalidEventException("key: is missing; a " + e.type() + " must be keyed by its sku '" + e.sku() + "'");
        }
        if (!Arrays.equals(key, sku)) {
          throw new InvalidEventException("key: '" + abbreviate(new String(key, StandardCharsets.UTF_8))
              + "' is not the event's sku '" + e.sku() + "'");
        }
        yield e;
      }
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
