package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CartPlanTest {

  private static CartPlan plan(long seed) {
    return CartPlan.generate("t", 200, 20, 10_000, 5, 1.0, 0.6, 0.2, 10, seed);
  }

  @Test
  void theSameSeedGivesTheSameCartsAndAnotherSeedOthers() {
    assertThat(plan(7)).isEqualTo(plan(7));
    assertThat(plan(8).carts()).isNotEqualTo(plan(7).carts());
  }

  @Test
  void cartsHaveOneToFiveLinesOfOneToThreeUnitsOnStockedSkus() {
    CartPlan p = plan(1);
    assertThat(p.stock()).hasSize(200).allSatisfy((sku, units) -> assertThat(units).isEqualTo(20));
    assertThat(p.carts()).hasSize(10_000).allSatisfy(c -> {
      assertThat(c.lines()).hasSizeBetween(1, 5);
      assertThat(c.orderId()).matches("[A-Za-z0-9._:-]{1,64}");
      c.lines().forEach(l -> {
        assertThat(l.quantity()).isBetween(1, 3);
        assertThat(p.stock()).containsKey(l.sku());
      });
    });
    // Every line count from 1 to 5 occurs, about equally often.
    for (int n = 1; n <= 5; n++) {
      int lines = n;
      assertThat(p.carts().stream().filter(c -> c.lines().size() == lines).count()).isBetween(1_700L, 2_300L);
    }
  }

  @Test
  void cartsAreMostlyDistinctButSomeNameASkuTwice() {
    List<CartPlan.Cart> multi = plan(2).carts().stream().filter(c -> c.lines().size() > 1).toList();
    long repeated = multi.stream()
        .filter(c -> new HashSet<>(c.lines().stream().map(CartPlan.Line::sku).toList()).size() < c.lines().size())
        .count();
    assertThat(repeated).as("carts naming a SKU twice").isPositive().isLessThan(multi.size() / 2);
  }

  @Test
  void unitsBySkuSumTheLinesOfOneSkuInSkuOrder() {
    CartPlan.Cart cart = new CartPlan.Cart("o", List.of(new CartPlan.Line("b", 2), new CartPlan.Line("a", 1),
        new CartPlan.Line("b", 3)), Plan.FollowUp.NONE);
    assertThat(cart.unitsBySku()).containsExactly(Map.entry("a", 1L), Map.entry("b", 5L));
    for (CartPlan.Cart c : plan(3).carts()) {
      assertThat(c.unitsBySku().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(c.lines().stream().mapToLong(CartPlan.Line::quantity).sum());
    }
  }

  @Test
  void demandIsHeaviestOnTheBestSeller() {
    Map<String, Long> units = CartDriver.units(plan(4).carts());
    assertThat(units.get(Plan.skuName("t", 0))).isGreaterThan(units.getOrDefault(Plan.skuName("t", 50), 0L) * 10);
  }

  @Test
  void followUpsComeInRoughlyTheAskedShares() {
    List<CartPlan.Cart> carts = plan(5).carts();
    long confirms = carts.stream().filter(c -> c.followUp() == Plan.FollowUp.CONFIRM).count();
    long cancels = carts.stream().filter(c -> c.followUp() == Plan.FollowUp.CANCEL).count();
    assertThat(confirms).isBetween(5_700L, 6_300L);
    assertThat(cancels).isBetween(1_700L, 2_300L);
  }

  @Test
  void refusesSharesAboveOneAndImpossibleCarts() {
    assertThatThrownBy(() -> CartPlan.generate("t", 10, 1, 10, 5, 1.0, 0.7, 0.4, 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CartPlan.generate("t", 10, 1, 10, 0, 1.0, 0.5, 0.2, 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CartPlan.generate("t", 10, 1, 10, 5, 1.0, 0.5, 0.2, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
