package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {

  private static int[] draws(long seed, int n) {
    ZipfSampler z = new ZipfSampler(10_000, 1.0, seed);
    return IntStream.range(0, n).map(i -> z.next()).toArray();
  }

  @Test
  void theSameSeedGivesTheSameSequence() {
    assertThat(draws(42, 5000)).isEqualTo(draws(42, 5000));
  }

  @Test
  void anotherSeedGivesAnotherSequence() {
    assertThat(draws(42, 5000)).isNotEqualTo(draws(43, 5000));
  }

  @Test
  void ranksStayInRange() {
    assertThat(IntStream.of(draws(7, 20_000)).allMatch(r -> r >= 0 && r < 10_000)).isTrue();
  }

  @Test
  void theBestSellerIsDrawnAboutAsOftenAsItsProbability() {
    ZipfSampler z = new ZipfSampler(10_000, 1.0, 1);
    int n = 200_000;
    long top = IntStream.range(0, n).filter(i -> z.next() == 0).count();
    // H(10000) = 9.7876, so rank 0 has probability 1 / 9.7876 = 0.1022.
    assertThat(z.probability(0)).isCloseTo(0.1022, within(0.0005));
    assertThat(top / (double) n).isCloseTo(z.probability(0), within(0.005));
  }

  @Test
  void exponentZeroIsUniform() {
    ZipfSampler z = new ZipfSampler(4, 0.0, 1);
    assertThat(z.probability(0)).isCloseTo(0.25, within(1e-12));
    assertThat(z.probability(3)).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void badParametersAreRefused() {
    assertThatThrownBy(() -> new ZipfSampler(0, 1.0, 1)).hasMessageContaining("n must be");
    assertThatThrownBy(() -> new ZipfSampler(10, -1, 1)).hasMessageContaining("exponent");
  }
}
