package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacingAndMedianTest {

  @Test
  void openLoopSpacesOrdersEvenlyAtTheRateAndClosedLoopSendsAtOnce() {
    Driver.Pacing open = Driver.Pacing.open(4_000);
    assertThat(open.closed()).isFalse();
    assertThat(open.dueAfter(0)).isZero();
    assertThat(open.dueAfter(1)).isEqualTo(250_000);
    assertThat(open.dueAfter(4_000)).isEqualTo(1_000_000_000L);
    assertThat(Driver.Pacing.CLOSED.closed()).isTrue();
    assertThat(Driver.Pacing.CLOSED.dueAfter(123_456)).isZero();
    assertThatThrownBy(() -> Driver.Pacing.open(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianIsTheMiddleRunByThroughputWithTheSpreadInItsNote() {
    RunResult slow = run(1_000, 10.0, 30_000_000);
    RunResult middle = run(2_000, 10.0, 20_000_000);
    RunResult fast = run(3_000, 10.0, 10_000_000);

    RunResult m = Bench.median(List.of(fast, slow, middle));

    assertThat(m.decisions()).isEqualTo(2_000);
    assertThat(m.note()).contains("median of 3 runs").contains("100 to 300").contains("p99 10 to 30 ms");
    assertThat(Bench.median(List.of(slow))).isSameAs(slow);
  }

  private static RunResult run(long decisions, double seconds, long p99) {
    Percentiles.Summary latency = new Percentiles.Summary((int) decisions, p99 / 2, p99, p99, p99);
    return new RunResult("flash sale", "x", 12, decisions, seconds, latency, 0, 0, 0, 0,
        new Percentiles.Summary(0, 0, 0, 0, 0), null, "", 0, null, Durability.MEMORY, Double.NaN, null);
  }
}
