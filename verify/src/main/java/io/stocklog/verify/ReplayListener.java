package io.stocklog.verify;

import io.stocklog.events.Event;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;

/**
 * What a replay reports, record by record, in log order within each partition (partitions interleave
 * arbitrarily). Called on the replaying thread.
 */
public interface ReplayListener {

  /**
   * One outcome, stamped with the position of the event that caused it exactly as the projector stamps it
   * ({@code outcome.position().equals(at.token())}). Expiries an event triggered come before its own outcome.
   */
  void outcome(Position at, Outcome outcome);

  /**
   * One decision about an order of several lines, stamped with the position of the record that caused it, after
   * that record's SKU outcomes.
   */
  default void order(Position at, OrderOutcome outcome) {}

  /**
   * A record the fold of the record at {@code at} appends to the log: an order's line command (keyed by its SKU) or
   * a line's report (keyed by its order ID), after that record's outcomes. The projector appends it in the same
   * transaction; an offline fold appends nothing, since the log it reads holds these records already, each after
   * the record that caused it, and it folds them when it reaches them.
   */
  default void append(Position at, Event record) {}

  /** A record the projector decides (ticks included), before its outcomes. */
  default void event(Position at, Event event) {}

  /**
   * A record the projector dead-letters instead of deciding.
   *
   * @param error the reason, as the dead letter states it
   * @param eventId the event ID in it when its bytes are an event (a SKU event under the wrong key); else null
   */
  default void deadLetter(Position at, String error, String eventId) {}

  /** A listener that ignores everything. */
  static ReplayListener ignoring() {
    return (at, outcome) -> { };
  }
}
