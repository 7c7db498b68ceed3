package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundredIsTheRankItself() {
    long[] sorted = IntStream.rangeClosed(1, 100).asLongStream().toArray();
    assertThat(Percentiles.at(sorted, 50)).isEqualTo(50);
    assertThat(Percentiles.at(sorted, 95)).isEqualTo(95);
    assertThat(Percentiles.at(sorted, 99)).isEqualTo(99);
    assertThat(Percentiles.at(sorted, 100)).isEqualTo(100);
  }

  @Test
  void aHighPercentileOfFewSamplesIsTheMaximum() {
    assertThat(Percentiles.at(new long[] {3, 7, 9}, 99)).isEqualTo(9);
    assertThat(Percentiles.at(new long[] {3, 7, 9}, 50)).isEqualTo(7);
  }

  @Test
  void noSamplesGiveZero() {
    assertThat(new Percentiles().summary()).isEqualTo(new Percentiles.Summary(0, 0, 0, 0, 0));
  }

  @Test
  void summarySortsWhatWasAddedInAnyOrder() {
    Percentiles p = new Percentiles();
    for (int i = 2000; i >= 1; i--) {
      p.add(i);
    }
    Percentiles.Summary s = p.summary();
    assertThat(s.count()).isEqualTo(2000);
    assertThat(s.p50()).isEqualTo(1000);
    assertThat(s.p95()).isEqualTo(1900);
    assertThat(s.p99()).isEqualTo(1980);
    assertThat(s.max()).isEqualTo(2000);
  }

  @Test
  void aPercentileOutsideZeroToHundredIsRefused() {
    assertThatThrownBy(() -> Percentiles.at(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.at(new long[] {1}, 100.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
