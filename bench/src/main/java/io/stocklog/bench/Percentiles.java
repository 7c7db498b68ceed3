package io.stocklog.bench;

import java.util.Arrays;

/**
 * A thread-safe log of durations in nanoseconds and their nearest-rank percentiles. Every sample is kept
 * (a run is at most a few hundred thousand requests), so the figures are exact, not bucketed.
 */
public final class Percentiles {

  private long[] samples = new long[1024];
  private int size;

  public synchronized void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  public synchronized int count() {
    return size;
  }

  /** The sorted samples at this moment. */
  public synchronized long[] sorted() {
    long[] copy = Arrays.copyOf(samples, size);
    Arrays.sort(copy);
    return copy;
  }

  public Summary summary() {
    long[] s = sorted();
    return new Summary(s.length, at(s, 50), at(s, 95), at(s, 99), s.length == 0 ? 0 : s[s.length - 1]);
  }

  /**
   * The nearest-rank percentile of sorted samples: the smallest sample such that at least {@code p}
   * percent of all samples are no larger than it. 0 for no samples.
   */
  public static long at(long[] sorted, double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("a percentile is in (0, 100] (was " + p + ")");
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /** Percentiles in nanoseconds. */
  public record Summary(int count, long p50, long p95, long p99, long max) {}
}
