package io.stocklog.verify;

import io.stocklog.events.ReservationRequested;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rows a read model must hold after a sequence of outcomes: what a replay's outcomes are compared with.
 *
 * <p>The rules are the read model's contract, restated here from the README and the table definitions rather
 * than shared with {@code io.stocklog.readmodel.ReadModelWriter}: this class exists to catch that writer being
 * wrong, so it must not reuse the writer's code or SQL. It calls nothing of the read-model module.
 *
 * <ol>
 *   <li><b>Stock.</b> Every outcome is about one SKU and carries the SKU's counters after the decision. A SKU's
 *       row is its newest outcome by position that is not a rejection: {@code on_hand}, {@code reserved},
 *       {@code available = on_hand - reserved}, the position, and {@code updated_at} = the outcome's decision
 *       time. Duplicates count too (their counters are the unchanged ones); a rejection changed nothing and
 *       writes nothing, so a SKU that only ever saw rejections (one that never had stock) has no row.
 *   <li><b>Which outcomes touch a reservation.</b> Only those saying where a reservation now stands:
 *       {@code HELD} and {@code EXTENDED} mean HELD; {@code PREPARED} (an order's line), {@code CONFIRMED},
 *       {@code CANCELLED}, {@code EXPIRED} mean themselves; a {@code REJECTED} reservation request for {@code OUT_OF_STOCK} or {@code UNKNOWN_SKU}
 *       means REJECTED with that reason. Never a duplicate (a repeated ID changes nothing), never another rejection (an unknown order,
 *       an expired or finished hold, an ID conflict: those are about the event, not the reservation), never a
 *       receipt or an adjustment.
 *   <li><b>Reservation rows.</b> The row {@code (sku, subjectId)} is its newest touching outcome by position:
 *       quantity, status, the reject reason only when REJECTED, the position, and the deadline; when that
 *       outcome has no deadline the row keeps the one it had.
 *   <li><b>Orders.</b> An order's row is its newest {@link OrderOutcome} that is neither a repeat
 *       ({@code duplicate}: nothing changed) nor about an order never placed (no status): every one carries the
 *       whole order after the decision. Its columns: the status, the reject reason (a REJECTED order's first
 *       refused line's reason; else none), the deadline as the outcome gives it, the lines as JSON
 *       ({@code sku}, {@code quantity}, {@code status} (null while PENDING), and {@code reason} and
 *       {@code available} for a refused line), the position, and {@code updated_at} = the decision time.
 *   <li><b>Position order.</b> An outcome at an older position than a row's changes nothing, so a redelivery or a
 *       replay of old outcomes converges; at an equal position the later one wins (an event's own decision
 *       comes after the expiries its time triggered, all at its position, and its order outcomes after its SKU
 *       outcomes).
 * </ol>
 *
 * <p>Not thread-safe.
 */
public final class ExpectedReadModel {

  private final Map<String, StockEntry> stock = new HashMap<>();
  private final Map<ReservationEntry.Key, ReservationEntry> reservations = new HashMap<>();
  private final Map<String, OrderEntry> orders = new HashMap<>();
  private long outcomes;
  private long orderOutcomes;

  /** Applies one outcome, which must carry its position. */
  public void apply(Outcome outcome) {
    Objects.requireNonNull(outcome.position(), () -> "outcome of " + outcome.eventId() + " has no position");
    apply(Position.parse(outcome.position()), outcome);
  }

  /** Applies one outcome at {@code at}, its position (given parsed, as a replay has it). */
  public void apply(Position at, Outcome outcome) {
    Objects.requireNonNull(at, "at");
    if (outcome.position() != null && !outcome.position().equals(at.token())) {
      throw new IllegalArgumentException("outcome of " + outcome.eventId() + " is at " + outcome.position()
          + ", not " + at.token());
    }
    outcomes++;
    // Rule 1 (and 5): the SKU's counters after its newest outcome that is not a rejection.
    StockEntry oldStock = stock.get(outcome.sku());
    if (outcome.decision() != Decision.REJECTED && (oldStock == null || notOlder(at, oldStock.position()))) {
      stock.put(outcome.sku(), new StockEntry(outcome.sku(), outcome.onHand(), outcome.reserved(),
          outcome.onHand() - outcome.reserved(), at, outcome.decidedAt()));
    }
    // Rule 2: only some outcomes say where a reservation stands.
    String status = reservationStatus(outcome);
    if (status == null) {
      return;
    }
    // Rules 3 and 5.
    ReservationEntry.Key key = new ReservationEntry.Key(outcome.sku(), outcome.subjectId());
    ReservationEntry old = reservations.get(key);
    if (old != null && !notOlder(at, old.position())) {
      return;
    }
    var expiresAt = outcome.expiresAt() != null ? outcome.expiresAt() : old == null ? null : old.expiresAt();
    String rejectReason = status.equals("REJECTED") ? outcome.reason().name() : null;
    reservations.put(key, new ReservationEntry(outcome.sku(), outcome.subjectId(), outcome.quantity(), status,
        rejectReason, expiresAt, at));
  }

  /** Applies one order's outcome at {@code at}, its position (rules 4 and 5). */
  public void apply(Position at, OrderOutcome outcome) {
    Objects.requireNonNull(at, "at");
    if (outcome.position() != null && !outcome.position().equals(at.token())) {
      throw new IllegalArgumentException("order outcome of " + outcome.eventId() + " is at " + outcome.position()
          + ", not " + at.token());
    }
    orderOutcomes++;
    if (outcome.duplicate() || outcome.status() == null) {
      return;
    }
    OrderEntry old = orders.get(outcome.orderId());
    if (old != null && !notOlder(at, old.position())) {
      return;
    }
    orders.put(outcome.orderId(), new OrderEntry(outcome.orderId(), outcome.status().name(), rejectReason(outcome),
        outcome.expiresAt(), lines(outcome), at, outcome.decidedAt()));
  }

  private static String rejectReason(OrderOutcome outcome) {
    if (outcome.status() != OrderStatus.REJECTED) {
      return null;
    }
    return outcome.lines().stream().filter(l -> l.reason() != null).map(l -> l.reason().name()).findFirst()
        .orElse(outcome.reason() == null ? null : outcome.reason().name());
  }

  /** The lines column as JSON, parsed back from its text so numbers compare as a read model's do. */
  static JsonNode lines(OrderOutcome outcome) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (OrderOutcome.Line l : outcome.lines()) {
      ObjectNode line = array.addObject().put("sku", l.sku()).put("quantity", l.quantity())
          .put("status", l.status() == null ? null : l.status().name());
      if (l.reason() != null) {
        line.put("reason", l.reason().name());
        if (l.available() != null) {
          line.put("available", l.available());
        }
      }
    }
    try {
      return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(array));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status column an outcome sets (rule 2), or null when it leaves the reservation row alone. */
  static String reservationStatus(Outcome outcome) {
    if (outcome.duplicate()) {
      return null;
    }
    Decision d = outcome.decision();
    if (d == Decision.HELD || d == Decision.EXTENDED) {
      return "HELD";
    }
    // A prepared order line: it holds its units and no longer expires, and an operator must see it as such.
    if (d == Decision.PREPARED) {
      return "PREPARED";
    }
    if (d == Decision.CONFIRMED || d == Decision.CANCELLED || d == Decision.EXPIRED) {
      return d.name();
    }
    boolean refusedRequest = d == Decision.REJECTED
        && (outcome.reason() == Reason.OUT_OF_STOCK || outcome.reason() == Reason.UNKNOWN_SKU)
        && ReservationRequested.TYPE.equals(outcome.eventType());
    return refusedRequest ? "REJECTED" : null;
  }

  private static boolean notOlder(Position candidate, Position current) {
    return candidate.compareTo(current) >= 0;
  }

  /** A listener that applies every outcome of a replay, SKU and order outcomes alike, to this model. */
  public ReplayListener listener() {
    return new ReplayListener() {
      @Override
      public void outcome(Position at, Outcome outcome) {
        apply(at, outcome);
      }

      @Override
      public void order(Position at, OrderOutcome outcome) {
        apply(at, outcome);
      }
    };
  }

  /** Expected {@code orders} rows by order ID (a live view). */
  public Map<String, OrderEntry> orders() {
    return Collections.unmodifiableMap(orders);
  }

  /** Order outcomes applied so far. */
  public long orderOutcomes() {
    return orderOutcomes;
  }

  /** Expected {@code sku_stock} rows by SKU (a live view). */
  public Map<String, StockEntry> stock() {
    return Collections.unmodifiableMap(stock);
  }

  /** Expected {@code reservation} rows by key (a live view). */
  public Map<ReservationEntry.Key, ReservationEntry> reservations() {
    return Collections.unmodifiableMap(reservations);
  }

  /** Outcomes applied so far. */
  public long outcomes() {
    return outcomes;
  }
}
