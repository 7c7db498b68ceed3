package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlanTest {

  @Test
  void aCatalogueIsTheSameForTheSameSeed() {
    assertThat(Plan.catalogue("t", 100, 10, 1000, 1.0, 0.3, 0.1, 9))
        .isEqualTo(Plan.catalogue("t", 100, 10, 1000, 1.0, 0.3, 0.1, 9));
  }

  @Test
  void aCatalogueHasEverySkuStockedAndValidOrders() {
    Plan p = Plan.catalogue("t", 50, 7, 2000, 1.2, 0.3, 0.1, 1);
    assertThat(p.stock()).hasSize(50).allSatisfy((sku, units) -> assertThat(units).isEqualTo(7));
    assertThat(p.orders()).hasSize(2000).allSatisfy(o -> {
      assertThat(p.stock()).containsKey(o.sku());
      assertThat(o.quantity()).isBetween(1, 3);
      assertThat(o.orderId()).matches("[A-Za-z0-9._:-]{1,64}");
    });
  }

  @Test
  void followUpsComeInRoughlyTheAskedShares() {
    Plan p = Plan.catalogue("t", 10, 1, 20_000, 1.0, 0.3, 0.1, 3);
    long confirms = p.orders().stream().filter(o -> o.followUp() == Plan.FollowUp.CONFIRM).count();
    long cancels = p.orders().stream().filter(o -> o.followUp() == Plan.FollowUp.CANCEL).count();
    assertThat(confirms / 20_000.0).isBetween(0.28, 0.32);
    assertThat(cancels / 20_000.0).isBetween(0.08, 0.12);
  }

  @Test
  void aFlashSaleIsOneSkuAndOneUnitPerBuyer() {
    Plan p = Plan.flashSale("f", 10, 100);
    assertThat(p.stock()).hasSize(1).containsValue(10L);
    assertThat(p.orders()).hasSize(100).allMatch(o -> o.quantity() == 1 && o.followUp() == Plan.FollowUp.NONE);
  }

  @Test
  void followUpSharesAboveOneAreRefused() {
    assertThatThrownBy(() -> Plan.catalogue("t", 1, 1, 1, 1.0, 0.8, 0.3, 1)).hasMessageContaining("--confirm");
  }
}
