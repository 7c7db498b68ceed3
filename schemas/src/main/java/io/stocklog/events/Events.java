package io.stocklog.events;

import java.time.Instant;
import java.util.List;

/** Builds events with a fresh event ID and the current schema version: what a producer writes. */
public final class Events {

  private Events() {}

  public static String newEventId() {
    return RandomIds.next();
  }

  public static StockReceived received(String sku, String receiptId, long quantity, Instant at) {
    return new StockReceived(Event.SCHEMA_VERSION, newEventId(), sku, at, receiptId, quantity);
  }

  public static StockAdjusted adjusted(String sku, String adjustmentId, long delta, String reason, Instant at) {
    return new StockAdjusted(Event.SCHEMA_VERSION, newEventId(), sku, at, adjustmentId, delta, reason);
  }

  public static ReservationRequested requested(String sku, String orderId, long quantity, int holdSeconds, Instant at) {
    return new ReservationRequested(Event.SCHEMA_VERSION, newEventId(), sku, at, orderId, quantity, holdSeconds);
  }

  public static ReservationConfirmed confirmed(String sku, String orderId, Instant at) {
    return new ReservationConfirmed(Event.SCHEMA_VERSION, newEventId(), sku, at, orderId);
  }

  public static ReservationCancelled cancelled(String sku, String orderId, Instant at) {
    return new ReservationCancelled(Event.SCHEMA_VERSION, newEventId(), sku, at, orderId);
  }

  public static ReservationExtended extended(String sku, String orderId, int holdSeconds, Instant at) {
    return new ReservationExtended(Event.SCHEMA_VERSION, newEventId(), sku, at, orderId, holdSeconds);
  }

  public static OrderPlaced placed(String orderId, int holdSeconds, List<OrderPlaced.Line> lines, Instant at) {
    return new OrderPlaced(Event.SCHEMA_VERSION, newEventId(), orderId, at, holdSeconds, lines);
  }

  public static OrderConfirmed orderConfirmed(String orderId, Instant at) {
    return new OrderConfirmed(Event.SCHEMA_VERSION, newEventId(), orderId, at);
  }

  public static OrderCancelled orderCancelled(String orderId, Instant at) {
    return new OrderCancelled(Event.SCHEMA_VERSION, newEventId(), orderId, at);
  }

  public static OrderExtended orderExtended(String orderId, int holdSeconds, Instant at) {
    return new OrderExtended(Event.SCHEMA_VERSION, newEventId(), orderId, at, holdSeconds);
  }

  public static ClockTick tick(Instant at) {
    return new ClockTick(Event.SCHEMA_VERSION, newEventId(), at);
  }
}
