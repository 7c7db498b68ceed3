package io.stocklog.bench;

import static io.stocklog.outcomes.ReservationStatus.CANCELLED;
import static io.stocklog.outcomes.ReservationStatus.CONFIRMED;
import static io.stocklog.outcomes.ReservationStatus.EXPIRED;
import static io.stocklog.outcomes.ReservationStatus.HELD;
import static io.stocklog.outcomes.ReservationStatus.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.bench.CartAccount.Figures;
import io.stocklog.bench.CartAccount.LineState;
import io.stocklog.bench.CartAccount.OrderState;
import io.stocklog.bench.CartAccount.SkuState;
import io.stocklog.outcomes.OrderStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CartAccountTest {

  private static final Map<String, Long> STOCK = Map.of("a", 10L, "b", 10L);
  private static final Map<String, Set<String>> CARTS = Map.of("o1", Set.of("a", "b"), "o2", Set.of("a", "b"),
      "o3", Set.of("a", "b"));

  private static Figures figures(Map<String, SkuState> skus, List<OrderState> orders) {
    return CartAccount.of(STOCK, skus, orders, CARTS, Map.of());
  }

  @Test
  void aCleanEndHasNothingStrandedOversoldOrPartial() {
    // o1 confirmed (a 2, b 1), o2 expired, o3 rejected: nothing reserved, on hand down by what was sold.
    Figures f = figures(Map.of("a", new SkuState(8, 0), "b", new SkuState(9, 0)), List.of(
        new OrderState("o1", OrderStatus.CONFIRMED, List.of(new LineState("a", 2, CONFIRMED),
            new LineState("b", 1, CONFIRMED))),
        new OrderState("o2", OrderStatus.EXPIRED, List.of(new LineState("a", 1, EXPIRED),
            new LineState("b", 1, EXPIRED))),
        new OrderState("o3", OrderStatus.REJECTED, List.of(new LineState("a", 1, CANCELLED),
            new LineState("b", 11, REJECTED)))));
    assertThat(f).isEqualTo(new Figures(0, 0, 0, 0, 3));
  }

  @Test
  void reservedUnitsOfNoLiveOrderAreStranded() {
    // o2 expired but a still has its 3 units reserved; o1 is still held and its units are not stranded.
    Figures f = figures(Map.of("a", new SkuState(10, 5), "b", new SkuState(10, 2)), List.of(
        new OrderState("o1", OrderStatus.HELD, List.of(new LineState("a", 2, HELD), new LineState("b", 2, HELD))),
        new OrderState("o2", OrderStatus.EXPIRED, List.of(new LineState("a", 3, EXPIRED),
            new LineState("b", 1, EXPIRED)))));
    assertThat(f.stranded()).isEqualTo(3);
    assertThat(f.live()).isEqualTo(1);
    assertThat(f.partial()).isZero();
  }

  @Test
  void aLineSoldWhileAnotherExpiredIsAPartialOrder() {
    Figures f = figures(Map.of("a", new SkuState(8, 0), "b", new SkuState(10, 0)), List.of(
        new OrderState("o1", OrderStatus.CONFIRMED, List.of(new LineState("a", 2, CONFIRMED),
            new LineState("b", 1, EXPIRED)))));
    assertThat(f.partial()).isEqualTo(1);
  }

  @Test
  void aRejectedOrderStillHoldingALineIsPartialAndItsUnitsStranded() {
    Figures f = figures(Map.of("a", new SkuState(10, 1), "b", new SkuState(10, 0)), List.of(
        new OrderState("o1", OrderStatus.REJECTED, List.of(new LineState("a", 1, HELD),
            new LineState("b", 11, REJECTED)))));
    assertThat(f.partial()).isEqualTo(1);
    assertThat(f.stranded()).isEqualTo(1);
  }

  @Test
  void aHeldOrderMissingALineOfItsCartIsPartial() {
    Figures f = figures(Map.of("a", new SkuState(10, 1), "b", new SkuState(10, 0)), List.of(
        new OrderState("o1", OrderStatus.HELD, List.of(new LineState("a", 1, HELD)))));
    assertThat(f.partial()).isEqualTo(1);
    assertThat(f.stranded()).isZero();
  }

  @Test
  void aHeldOrderWhoseLinesExpiredFirstIsNotPartial() {
    // A line's partition can pass the deadline before the coordinator's: the order follows, all together.
    Figures f = figures(Map.of("a", new SkuState(10, 0), "b", new SkuState(10, 0)), List.of(
        new OrderState("o1", OrderStatus.HELD, List.of(new LineState("a", 1, EXPIRED),
            new LineState("b", 1, EXPIRED)))));
    assertThat(f.partial()).isZero();
  }

  @Test
  void overSellingCountsBySoldUnitsByNegativeStockAndByReservedBeyondOnHand() {
    Map<String, Long> initial = Map.of("a", 2L, "b", 2L, "c", 2L);
    // a: lines confirm 3 units of 2; b: on hand -1; c: 4 reserved of 2 on hand.
    Figures f = CartAccount.of(initial, Map.of("a", new SkuState(-1, 0), "b", new SkuState(-1, 0),
        "c", new SkuState(2, 4)), List.of(
        new OrderState("o1", OrderStatus.CONFIRMED, List.of(new LineState("a", 3, CONFIRMED))),
        new OrderState("o2", OrderStatus.HELD, List.of(new LineState("c", 4, HELD)))), Map.of(), Map.of());
    assertThat(f.oversold()).isEqualTo(1 + 1 + 2);
    assertThat(f.stranded()).isZero();
  }

  @Test
  void confirmsTheClientsWereToldCountAgainstTheStockEvenIfTheStoreForgotThem() {
    Figures f = CartAccount.of(STOCK, Map.of("a", new SkuState(10, 0)), List.of(), Map.of(), Map.of("a", 12L));
    assertThat(f.oversold()).isEqualTo(2);
  }
}
