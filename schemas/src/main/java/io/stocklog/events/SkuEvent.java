package io.stocklog.events;

/**
 * An event about one SKU's stock. The SKU is the Kafka key, so all events of a SKU are in one partition
 * and decided one after another by the one task that owns it.
 */
public sealed interface SkuEvent extends Event
    permits StockReceived, StockAdjusted, ReservationRequested, ReservationConfirmed,
        ReservationCancelled, ReservationExtended, OrderLineCommand {

  String sku();
}
