package io.stocklog.inventory.orders;

import io.stocklog.events.Event;
import io.stocklog.events.LineResult;
import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderExtended;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.OrderLineConfirmed;
import io.stocklog.events.OrderLineDecided;
import io.stocklog.events.OrderLineExtended;
import io.stocklog.events.OrderLinePrepared;
import io.stocklog.events.OrderLineReleased;
import io.stocklog.events.OrderLineRequested;
import io.stocklog.events.OrderPlaced;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The coordinator's rules for an order of several lines, as plain functions: {@code (order, event, now) -> (order,
 * line commands, order outcomes)}. No I/O, no clock: {@code now} is the coordinator partition's log time, so the
 * same log always gives the same orders, commands and outcomes, and the commands carry IDs derived from what they
 * are ({@link LineIds}), so a replay appends the very same records.
 *
 * <p>The order's fate is decided here, in one place, by this partition's clock; the lines then follow it:
 * <ul>
 *   <li>placed: every line (lines of one SKU summed) is asked for a hold until the order's deadline; the order is
 *       HELD when every line is held, else REJECTED with every refused line and what its SKU had, and the held
 *       lines are released;
 *   <li>confirmed before the deadline: every line is prepared (a prepared line keeps its units and no longer
 *       expires); when every line is prepared, the order is CONFIRMED and every line confirmed. A line whose
 *       partition had already expired it (its clock ran ahead) cannot be prepared: the order is then EXPIRED and
 *       the prepared lines released. Never some lines confirmed and others not;
 *   <li>cancelled: CANCELLED at once, every line released;
 *   <li>extended: every line is extended; if one had already expired on its partition, the order is EXPIRED and
 *       the others released;
 *   <li>past its deadline by this clock while no step is under way: EXPIRED, appending nothing: every line carries
 *       the same deadline and expires by itself on its own partition, which is also what frees the stock when the
 *       coordinator stalls or crashes.
 * </ul>
 * A request arriving while a step is under way waits in the order's queue (at most {@link #MAX_QUEUED}, past that
 * refused {@link Reason#ORDER_BUSY}) and is decided as of its arrival once the step ends. A repeat of the order
 * (same body) yields the first decision; another order under the same ID is refused {@link Reason#ID_CONFLICT}; a
 * confirm, cancel or extend of an order that is not held is refused with the reason.
 */
public final class OrderFold {

  /** Requests that may wait for one order while a step is under way. */
  public static final int MAX_QUEUED = 64;

  private OrderFold() {}

  /** Decides one of the order's records ({@code order} is null when none is stored under its ID). */
  public static OrderStep decide(Order order, OrderEvent event, long now) {
    Out out = new Out();
    Order after = switch (event) {
      case OrderPlaced e -> placed(order, e, now, out);
      case OrderLineDecided e -> lineDecided(order, e, now, out);
      case OrderConfirmed e -> request(order, e, now, out);
      case OrderCancelled e -> request(order, e, now, out);
      case OrderExtended e -> request(order, e, now, out);
    };
    return new OrderStep(after, out.commands, out.outcomes);
  }

  /** Whether the order's own deadline has passed by {@code now} and nothing it waits for could change that. */
  public static boolean due(Order order, long now) {
    return order.status() == OrderStatus.HELD && order.phase() == Order.Phase.IDLE && order.expiresAt() <= now;
  }

  /** A held order whose deadline the clock has reached: EXPIRED, appending nothing (its lines expire by themselves). */
  public static OrderStep expire(Order order, Event cause, long now) {
    if (!due(order, now)) {
      throw new IllegalArgumentException("only a held order past its deadline, with no step under way, expires");
    }
    Out out = new Out();
    Order after = expired(order, cause, now, out);
    return new OrderStep(after, out.commands, out.outcomes);
  }

  // ---- placing --------------------------------------------------------------------------------------------

  private static Order placed(Order order, OrderPlaced e, long now, Out out) {
    if (order == null) {
      long deadline = Math.max(e.occurredAt().toEpochMilli(), now) + e.holdSeconds() * 1000L;
      List<OrderLine> lines = summedBySku(e.lines());
      Order placing = new Order(e.orderId(), e.eventId(), e.holdSeconds(), e.lines(), lines, OrderStatus.PENDING,
          deadline, 1, Order.Phase.PLACING, new Order.Queued(e, now), 0, List.of(), now);
      for (OrderLine l : lines) {
        out.commands.add(new OrderLineRequested(Event.SCHEMA_VERSION, LineIds.of(e.orderId(), 1, "hold", l.sku()),
            l.sku(), Instant.ofEpochMilli(now), e.orderId(), 1, l.quantity(), Instant.ofEpochMilli(deadline)));
      }
      // Published at once, so a reader sees the order PENDING while its lines are being asked for.
      return out.answered(e, placing, Decision.PENDING, null, false, now);
    }
    if (!sameBody(order, e)) {
      out.answer(e, order, Decision.REJECTED, Reason.ID_CONFLICT, true, now);
      return order;
    }
    if (order.phase() == Order.Phase.PLACING) {
      return enqueue(order, e, now, out);
    }
    repeat(order, e, now, out);
    return order;
  }

  private static boolean sameBody(Order order, OrderPlaced e) {
    return order.holdSeconds() == e.holdSeconds() && order.placed().equals(e.lines());
  }

  /** A repeat of the order yields its first decision: HELD, or REJECTED with the first refused line's reason. */
  private static void repeat(Order order, OrderPlaced e, long now, Out out) {
    boolean rejected = order.status() == OrderStatus.REJECTED;
    out.answer(e, order, rejected ? Decision.REJECTED : Decision.HELD, rejected ? firstRefusal(order) : null, true,
        now);
  }

  /** The order's lines, one per SKU in the order first named, the quantities of a SKU's lines summed. */
  private static List<OrderLine> summedBySku(List<OrderPlaced.Line> placed) {
    Map<String, Long> bySku = new LinkedHashMap<>();
    placed.forEach(l -> bySku.merge(l.sku(), l.quantity(), Long::sum));
    List<OrderLine> lines = new ArrayList<>(bySku.size());
    bySku.forEach((sku, quantity) -> lines.add(OrderLine.asked(sku, quantity)));
    return lines;
  }

  // ---- requests -------------------------------------------------------------------------------------------

  private static Order request(Order order, OrderEvent e, long now, Out out) {
    if (order == null) {
      out.answer(e, null, Decision.REJECTED, Reason.UNKNOWN_ORDER, false, now);
      return null;
    }
    if (order.phase() != Order.Phase.IDLE) {
      return enqueue(order, e, now, out);
    }
    return decideRequest(order, new Order.Queued(e, now), now, out);
  }

  private static Order enqueue(Order order, OrderEvent e, long now, Out out) {
    if (order.queue().size() >= MAX_QUEUED) {
      out.answer(e, order, Decision.REJECTED, Reason.ORDER_BUSY, false, now);
      return order;
    }
    List<Order.Queued> queue = new ArrayList<>(order.queue());
    queue.add(new Order.Queued(e, now));
    return order.withQueue(queue);
  }

  /** A request of an order with no step under way, decided as of its arrival ({@code q.at()}). */
  private static Order decideRequest(Order order, Order.Queued q, long now, Out out) {
    OrderEvent e = q.request();
    if (order.status() == OrderStatus.HELD && order.expiresAt() <= q.at()) {
      // It arrived after the deadline by this clock: the order expired first.
      order = expired(order, e, now, out);
    }
    return switch (e) {
      case OrderPlaced p -> {
        repeat(order, p, now, out);
        yield order;
      }
      case OrderConfirmed c -> switch (order.status()) {
        case HELD -> {
          Order preparing = order.stepping(Order.Phase.PREPARING, q, 0).withLines(OrderLine::awaiting);
          send(preparing, "prepare", l -> true, now, out);
          yield preparing;
        }
        case CONFIRMED -> out.answered(c, order, Decision.CONFIRMED, null, true, now);
        default -> refuse(order, c, now, out);
      };
      case OrderCancelled c -> switch (order.status()) {
        case HELD -> {
          Order cancelled = order.stepping(Order.Phase.IDLE, null, 0)
              .withLines(l -> l.now(ReservationStatus.CANCELLED)).with(OrderStatus.CANCELLED, now);
          send(cancelled, "release", l -> true, now, out);
          yield out.answered(c, cancelled, Decision.CANCELLED, null, false, now);
        }
        case CANCELLED -> out.answered(c, order, Decision.CANCELLED, null, true, now);
        default -> refuse(order, c, now, out);
      };
      case OrderExtended x -> {
        if (order.status() != OrderStatus.HELD) {
          yield refuse(order, x, now, out);
        }
        // Never shortens the hold, so the same extension seen twice changes nothing the second time.
        long to = Math.max(order.expiresAt(), x.occurredAt().toEpochMilli() + x.holdSeconds() * 1000L);
        if (to == order.expiresAt()) {
          yield out.answered(x, order, Decision.EXTENDED, null, false, now);
        }
        Order extending = order.stepping(Order.Phase.EXTENDING, q, to).withLines(OrderLine::awaiting);
        send(extending, "extend", l -> true, now, out);
        yield extending;
      }
      case OrderLineDecided d -> throw new IllegalStateException("a line's report is never queued: " + d);
    };
  }

  /** A confirm, cancel or extend of an order that is not held: refused with the reason, nothing changes. */
  private static Order refuse(Order order, OrderEvent e, long now, Out out) {
    Reason reason = switch (order.status()) {
      case CONFIRMED -> Reason.ALREADY_CONFIRMED;
      case CANCELLED -> Reason.ALREADY_CANCELLED;
      case EXPIRED -> Reason.EXPIRED;
      case REJECTED -> Reason.NOT_HELD;
      case HELD, PENDING -> throw new IllegalStateException("a held or pending order is not refused: " + order);
    };
    return out.answered(e, order, Decision.REJECTED, reason, false, now);
  }

  // ---- the lines answer -----------------------------------------------------------------------------------

  private static Order lineDecided(Order order, OrderLineDecided d, long now, Out out) {
    if (order == null || order.phase() == Order.Phase.IDLE || d.step() != order.step()) {
      return order; // an answer to a step already ended (a repeat): nothing waits for it
    }
    OrderLine line = order.line(d.sku());
    if (line == null || line.answer() != null) {
      return order;
    }
    Order answered = order.withLine(line.answered(d.result(), d.available()));
    for (OrderLine l : answered.lines()) {
      if (l.answer() == null) {
        return answered;
      }
    }
    return drain(finish(answered, now, out), d, now, out);
  }

  /** Every line has answered the step under way: decide the order, then tell the lines. */
  private static Order finish(Order order, long now, Out out) {
    OrderEvent request = order.inFlight().request();
    boolean allDone = order.lines().stream().allMatch(l -> l.answer().done());
    return switch (order.phase()) {
      case PLACING -> {
        if (allDone) {
          Order held = order.withLines(l -> l.now(ReservationStatus.HELD)).with(OrderStatus.HELD, now).idle();
          yield out.answered(request, held, Decision.HELD, null, false, now);
        }
        Order rejected = order.stepping(Order.Phase.IDLE, null, 0)
            .withLines(l -> l.answer().done() ? l.now(ReservationStatus.CANCELLED)
                : l.refused(ReservationStatus.REJECTED, l.answer().reason()))
            .with(OrderStatus.REJECTED, now);
        send(rejected, "release", l -> l.status() == ReservationStatus.CANCELLED, now, out);
        yield out.answered(request, rejected, Decision.REJECTED, firstRefusal(rejected), false, now);
      }
      case PREPARING -> {
        if (allDone) {
          Order confirmed = order.stepping(Order.Phase.IDLE, null, 0)
              .withLines(l -> l.now(ReservationStatus.CONFIRMED)).with(OrderStatus.CONFIRMED, now);
          send(confirmed, "confirm", l -> true, now, out);
          yield out.answered(request, confirmed, Decision.CONFIRMED, null, false, now);
        }
        yield failed(order, LineResult.PREPARED, request, now, out);
      }
      case EXTENDING -> {
        if (allDone) {
          Order extended = order.until(order.extendTo()).withLines(l -> l.now(ReservationStatus.HELD)).idle();
          yield out.answered(request, extended, Decision.EXTENDED, null, false, now);
        }
        yield failed(order, LineResult.EXTENDED, request, now, out);
      }
      case IDLE -> throw new IllegalStateException("no step under way: " + order);
    };
  }

  /**
   * A prepare or extend that some line could not do: its partition had already expired it. The order can no
   * longer be held as one, so it is EXPIRED, and the lines that did it are released.
   */
  private static Order failed(Order order, LineResult done, OrderEvent request, long now, Out out) {
    Order expired = order.stepping(Order.Phase.IDLE, null, 0)
        .withLines(l -> l.answer() == done ? l.now(ReservationStatus.CANCELLED)
            : l.refused(ReservationStatus.EXPIRED, l.answer().reason()))
        .with(OrderStatus.EXPIRED, now);
    send(expired, "release", l -> l.status() == ReservationStatus.CANCELLED, now, out);
    return out.answered(request, expired, Decision.REJECTED, Reason.EXPIRED, false, now);
  }

  /** Once a step has ended: the requests that waited for it, in order, then the deadline. */
  private static Order drain(Order order, Event cause, long now, Out out) {
    while (order.phase() == Order.Phase.IDLE && !order.queue().isEmpty()) {
      Order.Queued next = order.queue().getFirst();
      order = decideRequest(order.withQueue(order.queue().subList(1, order.queue().size())), next, now, out);
    }
    return due(order, now) ? expired(order, cause, now, out) : order;
  }

  private static Order expired(Order order, Event cause, long now, Out out) {
    Order expired = order.withLines(l -> l.status() == ReservationStatus.HELD ? l.now(ReservationStatus.EXPIRED) : l)
        .with(OrderStatus.EXPIRED, now);
    out.answer(cause, expired, Decision.EXPIRED, null, false, now);
    return expired;
  }

  private static Reason firstRefusal(Order order) {
    for (OrderLine l : order.lines()) {
      if (l.reason() != null) {
        return l.reason();
      }
    }
    throw new IllegalStateException("a rejected order with no refused line: " + order);
  }

  /** One command per line chosen, for the order's current step. */
  private static void send(Order order, String step, Predicate<OrderLine> which, long now, Out out) {
    Instant at = Instant.ofEpochMilli(now);
    String id = order.orderId();
    int n = order.step();
    for (OrderLine l : order.lines()) {
      if (!which.test(l)) {
        continue;
      }
      String eventId = LineIds.of(id, n, step, l.sku());
      out.commands.add(switch (step) {
        case "prepare" -> new OrderLinePrepared(Event.SCHEMA_VERSION, eventId, l.sku(), at, id, n);
        case "confirm" -> new OrderLineConfirmed(Event.SCHEMA_VERSION, eventId, l.sku(), at, id, n);
        case "release" -> new OrderLineReleased(Event.SCHEMA_VERSION, eventId, l.sku(), at, id, n);
        case "extend" -> new OrderLineExtended(Event.SCHEMA_VERSION, eventId, l.sku(), at, id, n,
            Instant.ofEpochMilli(order.extendTo()));
        default -> throw new IllegalArgumentException("no such step: " + step);
      });
    }
  }

  /** What one decision produces, gathered in the order it happens. */
  private static final class Out {
    final List<OrderLineCommand> commands = new ArrayList<>();
    final List<OrderOutcome> outcomes = new ArrayList<>();

    void answer(Event e, Order order, Decision decision, Reason reason, boolean duplicate, long now) {
      outcomes.add(outcome(e, order, decision, reason, duplicate, now));
    }

    Order answered(Event e, Order order, Decision decision, Reason reason, boolean duplicate, long now) {
      answer(e, order, decision, reason, duplicate, now);
      return order;
    }
  }

  static OrderOutcome outcome(Event e, Order order, Decision decision, Reason reason, boolean duplicate, long now) {
    String orderId = order != null ? order.orderId() : ((OrderEvent) e).orderId();
    if (order == null) {
      return new OrderOutcome(e.eventId(), e.type(), orderId, decision, reason, null, null, List.of(), duplicate,
          Instant.ofEpochMilli(now), null);
    }
    boolean everHeld = order.status() != OrderStatus.PENDING && order.status() != OrderStatus.REJECTED;
    List<OrderOutcome.Line> lines = order.lines().stream()
        .map(l -> new OrderOutcome.Line(l.sku(), l.quantity(), l.status(), l.reason(),
            l.reason() != null ? l.available() : null))
        .toList();
    return new OrderOutcome(e.eventId(), e.type(), orderId, decision, reason, order.status(),
        everHeld ? Instant.ofEpochMilli(order.expiresAt()) : null, lines, duplicate, Instant.ofEpochMilli(now),
        null);
  }
}
