package io.stocklog.bench;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^s}: rank 0 is the
 * best seller. The cumulative distribution is computed once; a draw is one uniform number and a binary
 * search, so the same seed always yields the same sequence.
 */
public final class ZipfSampler {

  private final double[] cdf;
  private final SplittableRandom random;

  public ZipfSampler(int n, double s, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1 (was " + n + ")");
    }
    if (s < 0 || Double.isNaN(s)) {
      throw new IllegalArgumentException("the Zipf exponent must be >= 0 (was " + s + ")");
    }
    cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    cdf[n - 1] = 1.0;
    random = new SplittableRandom(seed);
  }

  public int next() {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The probability of {@code rank}, for tests and the report. */
  public double probability(int rank) {
    return rank == 0 ? cdf[0] : cdf[rank] - cdf[rank - 1];
  }
}
