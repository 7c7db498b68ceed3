package io.stocklog.inventory.orders;

import io.stocklog.events.Event;
import io.stocklog.events.LineResult;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.OrderLineConfirmed;
import io.stocklog.events.OrderLineDecided;
import io.stocklog.events.OrderLineExtended;
import io.stocklog.events.OrderLinePrepared;
import io.stocklog.events.OrderLineReleased;
import io.stocklog.events.OrderLineRequested;
import io.stocklog.outcomes.Outcome;
import java.util.Optional;

/**
 * What a line's partition reports to the order's coordinator about a line command it decided: the outcome of a
 * hold, prepare or extend, as an {@link OrderLineDecided} keyed by the order ID. A confirm or a release is not
 * reported: the coordinator decided the order before sending it, and it cannot fail for a line in the state the
 * coordinator knows, so a report would only cost a record. The report's ID is derived like the command's, so a
 * replay reports with the same record.
 */
public final class LineReports {

  private LineReports() {}

  /** The report of {@code decided}, the outcome of {@code command} itself. */
  public static Optional<OrderLineDecided> of(OrderLineCommand command, Outcome decided) {
    if (!decided.eventId().equals(command.eventId())) {
      throw new IllegalArgumentException("the outcome " + decided + " is not the decision of " + command);
    }
    boolean reported = switch (command) {
      case OrderLineRequested e -> true;
      case OrderLinePrepared e -> true;
      case OrderLineExtended e -> true;
      case OrderLineConfirmed e -> false;
      case OrderLineReleased e -> false;
    };
    if (!reported) {
      return Optional.empty();
    }
    return Optional.of(new OrderLineDecided(Event.SCHEMA_VERSION,
        LineIds.of(command.orderId(), command.step(), "decided", command.sku()), command.orderId(),
        decided.decidedAt(), command.sku(), command.step(), result(decided), decided.available()));
  }

  private static LineResult result(Outcome o) {
    return switch (o.decision()) {
      case HELD -> LineResult.HELD;
      case PREPARED -> LineResult.PREPARED;
      case EXTENDED -> LineResult.EXTENDED;
      case REJECTED -> switch (o.reason()) {
        case OUT_OF_STOCK -> LineResult.OUT_OF_STOCK;
        case UNKNOWN_SKU -> LineResult.UNKNOWN_SKU;
        case ID_CONFLICT -> LineResult.ID_CONFLICT;
        case EXPIRED -> LineResult.EXPIRED;
        default -> LineResult.NOT_HELD;
      };
      case RECEIVED, ADJUSTED, CONFIRMED, CANCELLED, EXPIRED, PENDING ->
          throw new IllegalArgumentException("a hold, prepare or extend is never decided " + o.decision());
    };
  }
}
