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
   * a line's report (keyed by its order ID), after that record's outcomes; or, by default, a record it forwards to
   * its home partition ({@link #forward}). The projector appends it in the same
   * transaction; an offline fold appends nothing, since the log it reads holds these records already, each after
   * the record that caused it, and it folds them when it reaches them.
   */
  default void append(Position at, Event record) {}

  /**
   * A SKU event or an order's record that is outside the home partition of its key ({@link HomePartition}), so the
   * fold of the partition it is in does not decide it (no {@link #event}, no outcome): the projector appends it to
   * {@code home} in the same transaction, with the header {@link HomePartition#FORWARDED_FROM_HEADER}, where it is
   * decided like any record. By default it is an {@link #append}, which an offline fold drops: the log holds the
   * copy, after this record, and the fold of {@code home} decides it when it reaches it.
   */
  default void forward(Position at, Event event, int home) {
    append(at, event);
  }

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
