package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OversellLedgerTest {

  @Test
  void holdsWithinStockAreNotOversold() {
    OversellLedger l = new OversellLedger(Map.of("a", 3L));
    l.held("a", 2);
    l.held("a", 1);
    assertThat(l.oversold(Map.of())).isZero();
  }

  @Test
  void holdsBeyondStockAreOversoldByTheExcess() {
    OversellLedger l = new OversellLedger(Map.of("a", 3L, "b", 1L));
    l.held("a", 2);
    l.held("a", 2);
    l.held("b", 3);
    assertThat(l.oversold(Map.of())).isEqualTo(1 + 2);
  }

  @Test
  void aCancelGivesItsUnitsBack() {
    OversellLedger l = new OversellLedger(Map.of("a", 2L));
    l.held("a", 2);
    l.cancelled("a", 2);
    l.held("a", 2);
    assertThat(l.committed("a")).isEqualTo(2);
    assertThat(l.oversold(Map.of())).isZero();
  }

  @Test
  void aNegativeRemainderInTheStoreCountsEvenIfTheAnswersLookFine() {
    OversellLedger l = new OversellLedger(Map.of("a", 5L));
    l.held("a", 5);
    assertThat(l.oversold(Map.of("a", -2L))).isEqualTo(2);
  }

  @Test
  void theLargerOfTheTwoViewsCountsNotTheirSum() {
    OversellLedger l = new OversellLedger(Map.of("a", 5L));
    l.held("a", 8);
    assertThat(l.oversold(Map.of("a", -3L))).isEqualTo(3);
  }

  @Test
  void aSkuWithoutStockIsOversoldByEveryUnitHeld() {
    OversellLedger l = new OversellLedger(Map.of());
    l.held("ghost", 4);
    assertThat(l.oversold(Map.of())).isEqualTo(4);
  }
}
