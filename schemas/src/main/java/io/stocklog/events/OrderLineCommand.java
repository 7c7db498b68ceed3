package io.stocklog.events;

/**
 * What an order's coordinator asks of one of its lines: an event about one SKU, keyed by that SKU, so the line is
 * decided in the SKU's serial order like any reservation. Written only by the coordinator, with a deterministic
 * event ID and the coordinator partition's clock as {@code occurredAt}, so a replay or a redo after an abort
 * appends the very same records.
 *
 * <p>{@link #step()} is the coordinator's step number for the order: the line's report ({@link OrderLineDecided})
 * carries it back, so the coordinator can tell which of its steps a report answers.
 */
public sealed interface OrderLineCommand extends SkuEvent
    permits OrderLineRequested, OrderLinePrepared, OrderLineConfirmed, OrderLineReleased, OrderLineExtended {

  String orderId();

  int step();
}
