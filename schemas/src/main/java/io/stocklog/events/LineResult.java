package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.stocklog.outcomes.Reason;

/**
 * What a line's partition decided about a line command, as {@link OrderLineDecided} reports it: the line's new
 * state, or why it was refused. Written by name; read only from a JSON string (never from a number, which the
 * data binder would otherwise take as a position in this list), as the schema says.
 */
public enum LineResult {
  /** The line's units are held until the order's deadline. */
  HELD,
  /** The line is prepared to be confirmed: it holds its units and no longer expires. */
  PREPARED,
  /** The line's deadline moved to the one asked for. */
  EXTENDED,
  /** Refused: the SKU had fewer units available than the line asked for. */
  OUT_OF_STOCK,
  /** Refused: the SKU has never had stock. */
  UNKNOWN_SKU,
  /** Refused: the order ID is already a single-SKU reservation on this SKU (an order ID is taken on each SKU). */
  ID_CONFLICT,
  /** Refused: the line's hold had already run out by its partition's clock. */
  EXPIRED,
  /** Refused: the line is not held (never was, or was released). */
  NOT_HELD;

  @JsonCreator
  public static LineResult of(String name) {
    return valueOf(name);
  }

  /** Whether the line did what was asked. */
  public boolean done() {
    return this == HELD || this == PREPARED || this == EXTENDED;
  }

  /** Why a refused line was refused, in the words of the outcomes; null for a line that did what was asked. */
  public Reason reason() {
    return switch (this) {
      case HELD, PREPARED, EXTENDED -> null;
      case OUT_OF_STOCK -> Reason.OUT_OF_STOCK;
      case UNKNOWN_SKU -> Reason.UNKNOWN_SKU;
      case ID_CONFLICT -> Reason.ID_CONFLICT;
      case EXPIRED -> Reason.EXPIRED;
      case NOT_HELD -> Reason.NOT_HELD;
    };
  }
}
