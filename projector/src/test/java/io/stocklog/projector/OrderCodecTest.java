package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Events;
import io.stocklog.events.LineResult;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderLine;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An order survives the projector's store whatever it holds: every status, phase, line answer, waiting request. */
class OrderCodecTest {

  private static final Instant T = Instant.parse("2026-12-06T23:00:00Z");

  private static Order roundTrip(Order o) {
    return OrderCodec.order(OrderCodec.key(o.orderId()), OrderCodec.encode(o));
  }

  @Test
  void everyStatusPhaseAndLineAnswerSurvivesTheStore() {
    List<OrderPlaced.Line> placed = List.of(new OrderPlaced.Line("a", 2), new OrderPlaced.Line("b", 1),
        new OrderPlaced.Line("a", 1));
    Order.Queued inFlight = new Order.Queued(Events.orderExtended("o-1", 30, T), 5_000);
    List<Order.Queued> queue = List.of(new Order.Queued(Events.orderConfirmed("o-1", T), 6_000),
        new Order.Queued(Events.placed("o-1", 60, placed, T), 7_000));
    for (OrderStatus status : OrderStatus.values()) {
      for (Order.Phase phase : Order.Phase.values()) {
        for (LineResult answer : LineResult.values()) {
          List<OrderLine> lines = List.of(
              new OrderLine("a", 3, ReservationStatus.PREPARED, null, null, answer),
              new OrderLine("b", 1, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 0L, null),
              new OrderLine("c", 1, null, null, null, null));
          Order order = new Order("o-1", "e-1", 60, placed, lines, status, 60_000, 3, phase,
              phase == Order.Phase.IDLE ? null : inFlight, 90_000, queue, 8_000);
          assertThat(roundTrip(order)).isEqualTo(order);
        }
      }
    }
  }

  @Test
  void aFinishedOrderIsStoredCompactly() {
    Order order = new Order("o-1", "e-1", 60, List.of(new OrderPlaced.Line("a", 2)),
        List.of(new OrderLine("a", 2, ReservationStatus.CONFIRMED, null, null, null)), OrderStatus.CONFIRMED,
        60_000, 3, Order.Phase.IDLE, null, 0, List.of(), 8_000);
    assertThat(OrderCodec.encode(order)).hasSizeLessThan(80);
    assertThat(roundTrip(order)).isEqualTo(order);
  }
}
