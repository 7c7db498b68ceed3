package io.stocklog.inventory;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The brief's rules written the slow, obvious way, as an oracle for {@link Inventory}: no counters (reserved
 * is summed over live reservations every time), no index (expiry scans every reservation), no retention.
 */
final class ReferenceLedger {

  record Res(String sku, String orderId, long quantity, int hold, String status, long expiresAt, Reason reason) {}

  record Decided(String sku, String subjectId, Decision decision, Reason reason, boolean duplicate) {}

  private long clock = Long.MIN_VALUE;
  private final Map<String, Long> onHand = new HashMap<>();
  private final Map<List<String>, Res> reservations = new HashMap<>();
  private final Map<List<String>, Object[]> receipts = new HashMap<>();
  private final Set<String> unmatched = new HashSet<>();
  /** SKUs that stock was ever received or adjusted into. */
  private final Set<String> stocked = new HashSet<>();

  long reserved(String sku) {
    return reservations.values().stream()
        .filter(r -> r.sku().equals(sku) && r.status().equals("HELD"))
        .mapToLong(Res::quantity).sum();
  }

  long onHand(String sku) {
    return onHand.getOrDefault(sku, 0L);
  }

  long available(String sku) {
    return onHand(sku) - reserved(sku);
  }

  List<Decided> apply(Event event) {
    List<Decided> out = new ArrayList<>();
    clock = Math.max(clock, event.occurredAt().toEpochMilli());
    reservations.values().stream()
        .filter(r -> r.status().equals("HELD") && r.expiresAt() <= clock)
        .sorted(Comparator.comparingLong(Res::expiresAt).thenComparing(Res::sku).thenComparing(Res::orderId))
        .toList()
        .forEach(r -> {
          reservations.put(List.of(r.sku(), r.orderId()), withStatus(r, "EXPIRED"));
          out.add(new Decided(r.sku(), r.orderId(), Decision.EXPIRED, null, false));
        });
    if (event instanceof ClockTick) {
      return out;
    }
    SkuEvent e = (SkuEvent) event;
    String sku = e.sku();
    switch (e) {
      case OrderLineCommand c ->
          throw new IllegalArgumentException("the reference ledger knows single-SKU events only, not " + c.type());
      case StockReceived r -> {
        Object[] seen = receipts.get(List.of(sku, "R", r.receiptId()));
        if (seen != null) {
          boolean same = (long) seen[0] == r.quantity();
          out.add(new Decided(sku, r.receiptId(), same ? Decision.RECEIVED : Decision.REJECTED,
              same ? null : Reason.ID_CONFLICT, true));
        } else {
          receipts.put(List.of(sku, "R", r.receiptId()), new Object[] {r.quantity()});
          onHand.put(sku, onHand(sku) + r.quantity());
          stocked.add(sku);
          out.add(new Decided(sku, r.receiptId(), Decision.RECEIVED, null, false));
        }
      }
      case StockAdjusted a -> {
        Object[] seen = receipts.get(List.of(sku, "A", a.adjustmentId()));
        if (seen != null) {
          boolean same = (long) seen[0] == a.delta() && seen[1].equals(a.reason());
          out.add(new Decided(sku, a.adjustmentId(), same ? (Decision) seen[2] : Decision.REJECTED,
              same ? (Reason) seen[3] : Reason.ID_CONFLICT, true));
        } else if (available(sku) + a.delta() < 0) {
          receipts.put(List.of(sku, "A", a.adjustmentId()),
              new Object[] {a.delta(), a.reason(), Decision.REJECTED, Reason.INSUFFICIENT_STOCK});
          out.add(new Decided(sku, a.adjustmentId(), Decision.REJECTED, Reason.INSUFFICIENT_STOCK, false));
        } else {
          receipts.put(List.of(sku, "A", a.adjustmentId()), new Object[] {a.delta(), a.reason(), Decision.ADJUSTED, null});
          onHand.put(sku, onHand(sku) + a.delta());
          stocked.add(sku);
          out.add(new Decided(sku, a.adjustmentId(), Decision.ADJUSTED, null, false));
        }
      }
      case ReservationRequested q -> {
        Res seen = reservations.get(List.of(sku, q.orderId()));
        if (seen != null) {
          boolean same = seen.quantity() == q.quantity() && seen.hold() == q.holdSeconds();
          boolean wasHeld = !seen.status().equals("REJECTED");
          out.add(new Decided(sku, q.orderId(),
              same && wasHeld ? Decision.HELD : Decision.REJECTED,
              same ? seen.reason() : Reason.ID_CONFLICT, true));
        } else {
          long available = available(sku);
          boolean held = available >= q.quantity();
          // Never stocked: a typo or stock not received yet, told apart from a sell-out.
          Reason reason = held ? null : stocked.contains(sku) ? Reason.OUT_OF_STOCK : Reason.UNKNOWN_SKU;
          reservations.put(List.of(sku, q.orderId()), new Res(sku, q.orderId(), q.quantity(), q.holdSeconds(),
              held ? "HELD" : "REJECTED", Math.max(clock, q.occurredAt().toEpochMilli()) + q.holdSeconds() * 1000L,
              reason));
          out.add(new Decided(sku, q.orderId(), held ? Decision.HELD : Decision.REJECTED, reason, false));
        }
      }
      case ReservationConfirmed c -> settle(out, e, c.orderId(), "CONFIRMED", Decision.CONFIRMED, 0);
      case ReservationCancelled c -> settle(out, e, c.orderId(), "CANCELLED", Decision.CANCELLED, 0);
      case ReservationExtended x -> settle(out, e, x.orderId(), null, Decision.EXTENDED,
          x.occurredAt().toEpochMilli() + x.holdSeconds() * 1000L);
    }
    return out;
  }

  private void settle(List<Decided> out, SkuEvent e, String orderId, String target, Decision ok, long extendTo) {
    String sku = e.sku();
    Res r = reservations.get(List.of(sku, orderId));
    if (unmatched.contains(e.eventId())) {
      out.add(new Decided(sku, orderId, Decision.REJECTED, Reason.UNKNOWN_RESERVATION, true));
      return;
    }
    if (r == null) {
      unmatched.add(e.eventId());
      out.add(new Decided(sku, orderId, Decision.REJECTED, Reason.UNKNOWN_RESERVATION, false));
      return;
    }
    switch (r.status()) {
      case "HELD" -> {
        if (target == null) {
          reservations.put(List.of(sku, orderId), new Res(sku, orderId, r.quantity(), r.hold(), "HELD",
              Math.max(r.expiresAt(), extendTo), null));
        } else {
          reservations.put(List.of(sku, orderId), withStatus(r, target));
          if (target.equals("CONFIRMED")) {
            onHand.put(sku, onHand(sku) - r.quantity());
          }
        }
        out.add(new Decided(sku, orderId, ok, null, false));
      }
      case "REJECTED" -> out.add(new Decided(sku, orderId, Decision.REJECTED, Reason.NOT_HELD, false));
      case "EXPIRED" -> out.add(new Decided(sku, orderId, Decision.REJECTED, Reason.EXPIRED, false));
      default -> {
        if (r.status().equals(target)) {
          out.add(new Decided(sku, orderId, ok, null, true));
        } else {
          out.add(new Decided(sku, orderId, Decision.REJECTED,
              r.status().equals("CONFIRMED") ? Reason.ALREADY_CONFIRMED : Reason.ALREADY_CANCELLED, false));
        }
      }
    }
  }

  private static Res withStatus(Res r, String status) {
    return new Res(r.sku(), r.orderId(), r.quantity(), r.hold(), status, r.expiresAt(), r.reason());
  }
}
