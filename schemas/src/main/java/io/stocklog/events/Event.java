package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One record in {@code inventory.events}, the system of record.
 *
 * <p>Every event carries an {@link #eventId()}, the time it {@link #occurredAt() occurred} (the log's clock:
 * the projector never reads a wall clock, so a replay decides exactly as the live run did) and the
 * {@link #schemaVersion()} it was written with. The JSON type names are spelled out here, never derived
 * from class names, because producers in other languages write them too (see {@code json-schema/}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StockReceived.class, name = StockReceived.TYPE),
    @JsonSubTypes.Type(value = StockAdjusted.class, name = StockAdjusted.TYPE),
    @JsonSubTypes.Type(value = ReservationRequested.class, name = ReservationRequested.TYPE),
    @JsonSubTypes.Type(value = ReservationConfirmed.class, name = ReservationConfirmed.TYPE),
    @JsonSubTypes.Type(value = ReservationCancelled.class, name = ReservationCancelled.TYPE),
    @JsonSubTypes.Type(value = ReservationExtended.class, name = ReservationExtended.TYPE),
    @JsonSubTypes.Type(value = ClockTick.class, name = ClockTick.TYPE),
    @JsonSubTypes.Type(value = OrderPlaced.class, name = OrderPlaced.TYPE),
    @JsonSubTypes.Type(value = OrderConfirmed.class, name = OrderConfirmed.TYPE),
    @JsonSubTypes.Type(value = OrderCancelled.class, name = OrderCancelled.TYPE),
    @JsonSubTypes.Type(value = OrderExtended.class, name = OrderExtended.TYPE),
    @JsonSubTypes.Type(value = OrderLineRequested.class, name = OrderLineRequested.TYPE),
    @JsonSubTypes.Type(value = OrderLinePrepared.class, name = OrderLinePrepared.TYPE),
    @JsonSubTypes.Type(value = OrderLineConfirmed.class, name = OrderLineConfirmed.TYPE),
    @JsonSubTypes.Type(value = OrderLineReleased.class, name = OrderLineReleased.TYPE),
    @JsonSubTypes.Type(value = OrderLineExtended.class, name = OrderLineExtended.TYPE),
    @JsonSubTypes.Type(value = OrderLineDecided.class, name = OrderLineDecided.TYPE),
})
public sealed interface Event permits SkuEvent, OrderEvent, ClockTick {

  /** The only schema version this build writes and reads. */
  int SCHEMA_VERSION = 1;

  int schemaVersion();

  String eventId();

  Instant occurredAt();

  /** The JSON {@code type} name of this event. */
  String type();
}
