package io.stocklog.events;

/**
 * An event about one order of several lines, keyed by its {@link #orderId()}: all of an order's records are in
 * the one partition that murmur2(orderId) names, and the task that owns that partition is the order's
 * coordinator (see {@code docs/orders.md}). The order's own requests ({@link OrderPlaced}, {@link OrderConfirmed},
 * {@link OrderCancelled}, {@link OrderExtended}) come from upstream; {@link OrderLineDecided} is what a line's
 * partition reports back to the coordinator.
 */
public sealed interface OrderEvent extends Event
    permits OrderPlaced, OrderConfirmed, OrderCancelled, OrderExtended, OrderLineDecided {

  String orderId();
}
