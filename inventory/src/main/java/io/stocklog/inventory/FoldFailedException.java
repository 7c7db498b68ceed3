package io.stocklog.inventory;

import io.stocklog.outcomes.Position;

/**
 * The fold itself threw on a record: a bug in the rules or a state that breaks them, never bad input (bad input
 * is dead-lettered). It fails the same way on the same record every time, so retrying cannot help: the projector
 * stops there and says so, and no offline fold can go past it either.
 */
public final class FoldFailedException extends RuntimeException {

  private final transient Position position;
  private final String eventId;

  public FoldFailedException(Position position, String eventId, RuntimeException cause) {
    super("the fold fails at position " + position.token() + " (event " + eventId + "): " + cause, cause);
    this.position = position;
    this.eventId = eventId;
  }

  /** Where the record the fold failed on is. */
  public Position position() {
    return position;
  }

  /** The ID of the event the fold failed on. */
  public String eventId() {
    return eventId;
  }

  /** The first {@code FoldFailedException} in {@code e}'s chain of causes, or null. */
  public static FoldFailedException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FoldFailedException f) {
        return f;
      }
    }
    return null;
  }
}
