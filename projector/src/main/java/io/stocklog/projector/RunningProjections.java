package io.stocklog.projector;

import io.stocklog.http.Readiness;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ProjectionCatalog.State;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What runs in the projector process at one moment, as the {@link ProjectionReconciler} last published it:
 * the catalog it followed, the decider (null when none runs: during a handoff, or while one stops or
 * starts), and the read-model sinks by projection name. Immutable, so that readiness, metrics and tests read
 * it without taking the reconciler's lock, which it holds while it stops Kafka Streams (up to 30 s).
 *
 * @param catalog the catalog as last read, null before the first read
 */
record RunningProjections(State catalog, Decider decider, Map<String, Sink> sinks) {

  static final RunningProjections NOTHING = new RunningProjections(null, null, Map.of());

  /** A running decider: the {@link Projector} of the deciding projection, or a test's stand-in. */
  interface Decider extends AutoCloseable {

    KafkaStreams.State state();

    /** Deciding, or about to: Streams is running or rebalancing. */
    boolean ready();

    /**
     * Why it stopped for good, or null while it has not: a failure that will repeat on the same input (a record
     * the fold cannot take, named by its position) is a bug to stop and report, not an outage to retry.
     */
    String failure();

    /** The projector itself, for its Streams metrics; null for a stand-in. */
    Projector projector();

    /** Stops it; may take as long as Kafka Streams takes to close. */
    @Override
    void close();
  }

  /** A running read-model sink of one projection: an {@link OutcomeSink} with its pool, or a test's stand-in. */
  interface Sink extends AutoCloseable {

    boolean running();

    /** Postgres refuses it now (an outage: it waits and retries). */
    boolean databaseDown();

    /** Why it stopped for good (a bug, named by its error), or null while it has not. */
    String failure();

    /** The sink itself, for its counters; null for a stand-in. */
    OutcomeSink outcomeSink();

    @Override
    void close();
  }

  RunningProjections {
    sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks));
  }

  /** The running projector, or null. */
  Projector projector() {
    return decider == null ? null : decider.projector();
  }

  /** The sink of the served read model, or null when none runs. */
  OutcomeSink servedSink() {
    Sink served = catalog == null ? null : sinks.get(catalog.control().serving());
    return served == null ? null : served.outcomeSink();
  }

  /**
   * Ready when the decider runs (or, during a handoff, none is meant to: that is by design, not a failure to
   * restart for) and every sink runs and reaches Postgres. Checks: {@code streams} (the Streams state,
   * {@code HANDOFF} or {@code NOT_STARTED}) and {@code readModelSink} ({@code UP} or {@code DOWN}); the detail
   * names what is wrong, with the failure's reason when something stopped for good.
   */
  Readiness readiness() {
    boolean handoff = catalog != null && catalog.control().decider() == null;
    String deciderFailure = decider == null ? null : decider.failure();
    boolean streamsUp = handoff || (decider != null && decider.ready() && deciderFailure == null);
    String sinkFailure = null;
    boolean sinksUp = !sinks.isEmpty();
    for (Map.Entry<String, Sink> e : sinks.entrySet()) {
      Sink sink = e.getValue();
      if (sink.failure() != null && sinkFailure == null) {
        sinkFailure = "the read-model sink of projection " + e.getKey() + " stopped: " + sink.failure();
      }
      sinksUp &= sink.running() && !sink.databaseDown() && sink.failure() == null;
    }
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("streams", handoff ? "HANDOFF" : decider == null ? "NOT_STARTED" : decider.state().name());
    checks.put("readModelSink", sinksUp ? "UP" : "DOWN");
    if (streamsUp && sinksUp) {
      return Readiness.up(checks);
    }
    String detail;
    if (!streamsUp) {
      detail = deciderFailure != null ? "the projector stopped: " + deciderFailure
          : "the projector is not running (state " + checks.get("streams") + ")";
    } else {
      detail = sinkFailure != null ? sinkFailure : "the read-model sink cannot reach Postgres";
    }
    return Readiness.down(detail, checks);
  }
}
