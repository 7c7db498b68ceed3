package io.stocklog.verify;

import io.stocklog.outcomes.Position;

/**
 * The fold itself threw on a record: a bug in the rules or a state that breaks them, never bad input (bad input
 * is dead-lettered). The projector would stop on the same record, so the log cannot be folded past it.
 */
public final class FoldFailedException extends RuntimeException {

  private final transient Position position;

  FoldFailedException(Position position, String eventId, RuntimeException cause) {
    super("the fold fails at " + position.token() + " (event " + eventId + "): " + cause.getMessage(), cause);
    this.position = position;
  }

  /** Where the record the fold failed on is. */
  public Position position() {
    return position;
  }
}
