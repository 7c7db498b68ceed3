package io.stocklog.outcomes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * One decision of the projector, published on the outcomes topic keyed by SKU.
 *
 * @param eventId the event that caused it (for an expiry: the event or tick whose time passed the deadline)
 * @param eventType that event's JSON type
 * @param sku the SKU the decision is about
 * @param subjectId the order, receipt or adjustment ID the decision is about
 * @param decision what was decided
 * @param reason why it was rejected; null unless {@code decision == REJECTED}
 * @param quantity the reservation's or receipt's quantity, or the adjustment's delta
 * @param onHand the SKU's onHand after the decision
 * @param reserved the SKU's reserved after the decision
 * @param expiresAt the reservation's deadline after the decision; null when not a reservation
 * @param duplicate true when the event repeated an ID already decided: nothing changed, and the
 *     decision is the one made the first time
 * @param decidedAt the log time of the decision
 * @param position where the causing event is in the log; null until the projector stamps it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"eventId", "eventType", "sku", "subjectId", "decision", "reason", "quantity",
    "onHand", "reserved", "available", "expiresAt", "duplicate", "decidedAt", "position"})
public record Outcome(
    String eventId,
    String eventType,
    String sku,
    String subjectId,
    Decision decision,
    Reason reason,
    long quantity,
    long onHand,
    long reserved,
    Instant expiresAt,
    boolean duplicate,
    Instant decidedAt,
    String position) {

  public Outcome {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(decidedAt, "decidedAt");
    if ((decision == Decision.REJECTED) != (reason != null)) {
      throw new IllegalArgumentException("a reason is given exactly when the decision is REJECTED");
    }
  }

  /** Derived, and written to JSON for readers' convenience (ignored when read back). */
  @JsonProperty(value = "available", access = JsonProperty.Access.READ_ONLY)
  public long available() {
    return onHand - reserved;
  }

  public boolean rejected() {
    return decision == Decision.REJECTED;
  }

  /** The same outcome with the position of its causing event. */
  public Outcome at(Position p) {
    return new Outcome(eventId, eventType, sku, subjectId, decision, reason, quantity, onHand, reserved,
        expiresAt, duplicate, decidedAt, p.token());
  }

  /** The same outcome, marked as the answer to a repeated ID. */
  public Outcome asDuplicate(String repeatEventId, String repeatEventType, Instant at) {
    return new Outcome(repeatEventId, repeatEventType, sku, subjectId, decision, reason, quantity, onHand,
        reserved, expiresAt, true, at, null);
  }
}
