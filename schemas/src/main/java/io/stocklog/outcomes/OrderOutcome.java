package io.stocklog.outcomes;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decision of an order's coordinator about an order of several lines: the answer to one of its requests
 * (placed, confirmed, cancelled, extended), or its expiry. What {@code POST /orders} and its confirm, cancel and
 * extend answer with, and what the read model will keep.
 *
 * @param eventId the request it answers (for an expiry: the event whose time passed the deadline)
 * @param eventType that event's JSON type
 * @param decision what this request got: for a new order's placing first PENDING, at once (its lines are being
 *     asked for, none has a status yet), then HELD or REJECTED once every line has answered; for a repeat of it,
 *     its decision; CONFIRMED, CANCELLED, EXTENDED, or REJECTED with the reason for a confirm, cancel or extend;
 *     EXPIRED for the order's expiry
 * @param reason why it was rejected; null unless {@code decision == REJECTED}
 * @param status the order's status after the decision; null only for an order never placed ({@code UNKNOWN_ORDER})
 * @param expiresAt the order's deadline; null if it never held anything
 * @param lines the order's lines, one per SKU (lines of the same SKU summed), in the order first named
 * @param duplicate true when the request repeated one already decided: nothing changed
 * @param decidedAt the coordinator partition's log time of the decision
 * @param position where the record that caused it is in the log ({@link Position#token()}); null until the fold
 *     stamps it
 */
public record OrderOutcome(
    String eventId,
    String eventType,
    String orderId,
    Decision decision,
    Reason reason,
    OrderStatus status,
    Instant expiresAt,
    List<Line> lines,
    boolean duplicate,
    Instant decidedAt,
    String position) {

  /**
   * The header that marks an order's outcome on the outcomes topic, whose other records are SKU {@link Outcome}s:
   * a reader of SKU outcomes skips the records that carry it.
   */
  public static final String HEADER = "stocklog-order-outcome";

  /**
   * One line as the order's outcome shows it.
   *
   * @param status where the line stands, as its coordinator knows; null while the line is still being decided
   * @param reason why the line was refused (OUT_OF_STOCK, UNKNOWN_SKU, ID_CONFLICT, EXPIRED); null otherwise
   * @param available for a refused line, the units its SKU had available; null otherwise
   */
  public record Line(String sku, long quantity, ReservationStatus status, Reason reason, Long available) {

    public Line {
      Objects.requireNonNull(sku, "sku");
    }
  }

  /** The same outcome with the position of its causing record. */
  public OrderOutcome at(Position p) {
    return new OrderOutcome(eventId, eventType, orderId, decision, reason, status, expiresAt, lines, duplicate,
        decidedAt, p.token());
  }

  public OrderOutcome {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(decidedAt, "decidedAt");
    lines = List.copyOf(lines);
    if (status == null && reason != Reason.UNKNOWN_ORDER) {
      throw new IllegalArgumentException("only an unknown order has no status");
    }
    if ((decision == Decision.REJECTED) != (reason != null)) {
      throw new IllegalArgumentException("a reason is given exactly when the decision is REJECTED");
    }
  }
}
