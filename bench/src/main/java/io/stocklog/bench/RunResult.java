package io.stocklog.bench;

/**
 * The figures of one contender on one workload.
 *
 * @param skipped why it did not run, or null
 * @param note anything a reader must know about the figures (time cap reached, errors)
 * @param offeredRate open loop: the orders offered per second; 0 for a closed loop (as fast as answered)
 * @param cpu this JVM's CPU nanoseconds during the run by part of the system ({@link CpuAccount}); null if not taken
 * @param durability how durable the contender's answers were ({@link Contender#durability()}); null if it did not run
 * @param jitShare the JIT compiler's share of this JVM's CPU during the run; NaN if not known
 * @param appended records appended to this system's broker during the run, by what they are ({@link LogRecords}); null
 *     if not counted
 */
public record RunResult(
    String workload,
    String contender,
    int partitions,
    long decisions,
    double seconds,
    Percentiles.Summary latency,
    long granted,
    long oversold,
    long retries,
    long errors,
    Percentiles.Summary visible,
    String skipped,
    String note,
    double offeredRate,
    java.util.Map<String, Long> cpu,
    Durability durability,
    double jitShare,
    java.util.Map<String, Long> appended) {

  public double throughput() {
    return seconds <= 0 ? 0 : decisions / seconds;
  }

  public static RunResult skipped(String workload, String contender, int partitions, String reason) {
    Percentiles.Summary none = new Percentiles.Summary(0, 0, 0, 0, 0);
    return new RunResult(workload, contender, partitions, 0, 0, none, 0, 0, 0, 0, none, reason, null, 0, null, null,
        Double.NaN, null);
  }

  /** The same figures with {@code text} added to the note. */
  public RunResult withNote(String text) {
    String joined = note == null || note.isEmpty() ? text : note + "; " + text;
    return new RunResult(workload, contender, partitions, decisions, seconds, latency, granted, oversold, retries,
        errors, visible, skipped, joined, offeredRate, cpu, durability, jitShare, appended);
  }
}
