package io.stocklog.bench;

import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.ReservationStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three figures a cart must never get wrong, taken from a store's final state once every hold has ended, the
 * same way for every contender: what each SKU has (on hand, reserved) and where each order and each of its lines
 * stands. Pure, so it is tested apart from any store.
 *
 * <ul>
 *   <li><b>Stranded units</b>: per SKU, units reserved beyond the lines of orders still live (HELD) that hold them,
 *       summed. Once every hold has ended no order is live, so every reserved unit is stranded: held by nobody,
 *       sellable by nobody.
 *   <li><b>Oversold units</b>: per SKU the largest of: units sold (lines confirmed, or confirmed by the answers the
 *       clients got) beyond the initial stock; on hand below zero; reserved beyond on hand. Summed.
 *   <li><b>Partial orders</b>: orders whose lines did not go together: some line holds or sold its units while
 *       another (or a line the cart named that the store has no trace of) does not; or a line disagrees with its
 *       order (a CONFIRMED order with a line not confirmed; a REJECTED, CANCELLED or EXPIRED order with a line
 *       still holding or sold; a HELD order with a line neither holding nor expired).
 * </ul>
 */
final class CartAccount {

  private CartAccount() {}

  /** A SKU's counters in the final state. */
  record SkuState(long onHand, long reserved) {}

  /** One line of an order in the final state: the units it was for and where it stands; status null if absent. */
  record LineState(String sku, long quantity, ReservationStatus status) {

    boolean holds() {
      return status == ReservationStatus.HELD || status == ReservationStatus.PREPARED;
    }

    boolean sold() {
      return status == ReservationStatus.CONFIRMED;
    }
  }

  /** An order in the final state; {@code status} null if the store has no trace of it. */
  record OrderState(String orderId, OrderStatus status, List<LineState> lines) {}

  /**
   * @param stranded reserved units that belong to no live order's line
   * @param oversold units sold or reserved beyond what there was
   * @param partial orders whose lines did not go all together
   * @param live orders still HELD or PENDING (none once every hold has ended and the store has settled)
   * @param orders orders the store knows
   */
  record Figures(long stranded, long oversold, long partial, long live, long orders) {}

  /**
   * @param initial every SKU's stock before the run
   * @param skus every SKU's counters after it
   * @param orders every order the store knows, with its lines
   * @param cartSkus each placed order's SKUs, by order ID: a SKU of the cart that has no line in the store counts as
   *     a line that holds nothing
   * @param confirmedByAnswers units per SKU of the orders the clients were told are confirmed
   */
  static Figures of(Map<String, Long> initial, Map<String, SkuState> skus, List<OrderState> orders,
      Map<String, Set<String>> cartSkus, Map<String, Long> confirmedByAnswers) {
    Map<String, Long> liveUnits = new HashMap<>();
    Map<String, Long> soldUnits = new HashMap<>();
    long partial = 0;
    long live = 0;
    for (OrderState o : orders) {
      boolean isLive = o.status() == OrderStatus.HELD || o.status() == OrderStatus.PENDING;
      if (isLive) {
        live++;
      }
      boolean anyTaken = false;
      boolean anyNot = false;
      boolean disagrees = false;
      Set<String> seen = new HashSet<>();
      for (LineState l : o.lines()) {
        seen.add(l.sku());
        if (l.holds() && o.status() == OrderStatus.HELD) {
          liveUnits.merge(l.sku(), l.quantity(), Long::sum);
        }
        if (l.sold()) {
          soldUnits.merge(l.sku(), l.quantity(), Long::sum);
        }
        if (l.holds() || l.sold()) {
          anyTaken = true;
        } else {
          anyNot = true;
        }
        disagrees |= o.status() != null && switch (o.status()) {
          case CONFIRMED -> !l.sold();
          case HELD -> !l.holds() && l.status() != ReservationStatus.EXPIRED;
          case REJECTED, CANCELLED, EXPIRED -> l.holds() || l.sold();
          case PENDING -> false;
        };
      }
      for (String sku : cartSkus.getOrDefault(o.orderId(), Set.of())) {
        if (!seen.contains(sku)) {
          anyNot = true;
          disagrees |= o.status() == OrderStatus.CONFIRMED || o.status() == OrderStatus.HELD;
        }
      }
      if ((anyTaken && anyNot) || disagrees) {
        partial++;
      }
    }
    Set<String> all = new HashSet<>(initial.keySet());
    all.addAll(skus.keySet());
    long stranded = 0;
    long oversold = 0;
    for (String sku : all) {
      long stock = initial.getOrDefault(sku, 0L);
      SkuState s = skus.getOrDefault(sku, new SkuState(stock, 0));
      stranded += Math.max(0, s.reserved() - liveUnits.getOrDefault(sku, 0L));
      long sold = Math.max(soldUnits.getOrDefault(sku, 0L), confirmedByAnswers.getOrDefault(sku, 0L));
      oversold += Math.max(Math.max(0, sold - stock), Math.max(Math.max(0, -s.onHand()), s.reserved() - s.onHand()));
    }
    return new Figures(stranded, oversold, partial, live, orders.size());
  }
}
