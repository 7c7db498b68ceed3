package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderPlaced;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of an order's 409: what a caller can act on, naming the order and every line at fault. */
class RejectionsTest {

  private static final Instant T = Instant.parse("2026-03-04T05:06:07Z");

  private static OrderOutcome refused(String type, Reason reason, OrderStatus status, boolean duplicate,
      List<OrderOutcome.Line> lines) {
    return new OrderOutcome("e-1", type, "o-9", Decision.REJECTED, reason, status, null, lines, duplicate, T, null);
  }

  @Test
  void aRejectedPlacingNamesEveryRefusedLineAndWhatItsSkuHad() {
    String detail = Rejections.describe(refused(OrderPlaced.TYPE, Reason.OUT_OF_STOCK, OrderStatus.REJECTED, false,
        List.of(new OrderOutcome.Line("A", 5, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 3L),
            new OrderOutcome.Line("B", 1, ReservationStatus.CANCELLED, null, null),
            new OrderOutcome.Line("C", 1, ReservationStatus.REJECTED, Reason.UNKNOWN_SKU, 0L))));

    assertThat(detail).startsWith("order o-9 was rejected, all or nothing")
        .contains("SKU A is out of stock: 5 asked for, only 3 available", "SKU C has never had stock")
        .doesNotContain("SKU B");
  }

  @Test
  void anotherBodyUnderARejectedOrdersIdCannotBeToldFromARepeatAndSaysSo() {
    String detail = Rejections.describe(refused(OrderPlaced.TYPE, Reason.ID_CONFLICT, OrderStatus.REJECTED, true,
        List.of(new OrderOutcome.Line("A", 1, ReservationStatus.REJECTED, Reason.ID_CONFLICT, 4L))));

    assertThat(detail).startsWith("order o-9 was already placed and rejected")
        .contains("already has a reservation under this order ID", "ID conflict");
  }

  @Test
  void eachRefusalOfARequestNamesTheOrderAndWhatWasAsked() {
    assertThat(Rejections.describe(refused(OrderCancelled.TYPE, Reason.UNKNOWN_ORDER, null, false, List.of())))
        .isEqualTo("unknown order: there is no order o-9 (never placed, or forgotten after its retention), so it"
            + " cannot be cancelled");
    assertThat(Rejections.describe(refused(OrderConfirmed.TYPE, Reason.EXPIRED, OrderStatus.EXPIRED, false,
        List.of()))).contains("order o-9 had expired", "confirmed");
    assertThat(Rejections.describe(refused(OrderPlaced.TYPE, Reason.ID_CONFLICT, OrderStatus.HELD, true,
        List.of()))).contains("ID conflict", "different body", "HELD");
    assertThat(Rejections.describe(refused(OrderCancelled.TYPE, Reason.NOT_HELD, OrderStatus.REJECTED, false,
        List.of()))).contains("never held");
  }
}
