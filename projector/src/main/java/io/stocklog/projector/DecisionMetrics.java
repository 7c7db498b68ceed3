package io.stocklog.projector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the projector counts as it decides: outcomes by decision and reason ({@code stocklog_outcomes_total},
 * reason {@code none} unless rejected), dead letters ({@code stocklog_dead_letters_total}), records forwarded to
 * the home partition of their key ({@code stocklog_projector_forwarded_total}: a producer with another partitioner
 * than the default) and records the fold threw on ({@code stocklog_projector_fold_failures_total}), the last three
 * there from the start at 0, so an alert on them needs no traffic first. One instance serves every task's
 * {@link DecideProcessor} on every stream thread; the counters are thread-safe.
 *
 * <p>Counts are of decisions made, which with exactly-once can include those of a transaction that was then
 * aborted and decided again: a counter is for rates and alerts, the outcomes topic is the record.
 */
final class DecisionMetrics {

  private final MeterRegistry registry;
  private final Counter deadLetters;
  private final Counter foldFailures;
  private final Counter forwarded;
  private final Counter ticks;
  private final Map<Key, Counter> outcomes = new ConcurrentHashMap<>();

  DecisionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.deadLetters = Counter.builder("stocklog.dead.letters")
        .description("records of the events topic sent to the dead-letter topic")
        .register(registry);
    this.ticks = Counter.builder("stocklog.projector.ticks")
        .description("clock ticks appended to quiet partitions whose holds were due")
        .register(registry);
    this.forwarded = Counter.builder("stocklog.projector.forwarded")
        .description("records outside the home partition of their key (murmur2), appended there instead of decided")
        .register(registry);
    this.foldFailures = Counter.builder("stocklog.projector.fold.failures")
        .description("records the fold threw on (a bug: the projector stops at the first)")
        .register(registry);
  }

  void decided(Outcome outcome) {
    outcomes.computeIfAbsent(new Key(outcome.decision(), outcome.reason()), this::counter).increment();
  }

  void deadLettered() {
    deadLetters.increment();
  }

  void forwarded() {
    forwarded.increment();
  }

  void ticked() {
    ticks.increment();
  }

  void foldFailed() {
    foldFailures.increment();
  }

  private Counter counter(Key key) {
    return Counter.builder("stocklog.outcomes")
        .description("outcomes decided by the projector, by decision and reason")
        .tag("decision", key.decision().name())
        .tag("reason", key.reason() == null ? "none" : key.reason().name())
        .register(registry);
  }

  private record Key(Decision decision, Reason reason) {}
}
