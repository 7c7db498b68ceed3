package io.stocklog.bench;

/**
 * How one warm-up went: unrecorded rounds of load before a contender's first run, until the JIT compiler's share
 * of this JVM's CPU in a round (the measure the CPU table uses) is under {@link #QUIET}, or the time allowed runs
 * out. The report lists every warm-up, so a figure taken with the JIT still busy says so.
 *
 * @param contender the contender's name, or "this system's stack" for the stack's one long warm-up
 * @param rounds rounds run
 * @param seconds how long they took, loading included
 * @param lastJitShare the JIT's share of this JVM's CPU in the last round; NaN if it could not be read
 * @param quiet whether the last round was under {@link #QUIET} (else the warm-up stopped at its limit)
 */
record WarmUp(String workload, String contender, int rounds, double seconds, double lastJitShare, boolean quiet) {

  /** The JIT counts as done when it takes less than this share of the process's CPU in a round. */
  static final double QUIET = 0.05;

  /** Seconds of load per round. */
  static final int ROUND_SECONDS = 2;

  /** After a round: go on, or stop because the JIT is quiet, or stop because the time allowed is spent. */
  enum Step {
    GO_ON, QUIET, OUT_OF_TIME
  }

  /**
   * What to do after a round that ended {@code elapsed} seconds into the warm-up with the JIT at {@code jitShare}
   * of the CPU. A share that could not be read (NaN) is never quiet: the warm-up then runs to its limit.
   */
  static Step step(double elapsed, double jitShare, int minSeconds, int maxSeconds) {
    if (elapsed >= minSeconds && jitShare < QUIET) {
      return Step.QUIET;
    }
    return elapsed >= maxSeconds ? Step.OUT_OF_TIME : Step.GO_ON;
  }
}
