package io.stocklog.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The carts workload, fixed in advance from a seed: the initial stock per SKU and the carts in the order they are
 * placed. A cart is an order of 1 to {@code maxLines} lines, each a SKU drawn from a Zipf distribution (so hot
 * SKUs sit in many carts, and a cart now and then names one SKU twice, as a shopper adding the same item again
 * does) and a quantity of 1 to 3. A held cart is then confirmed, cancelled, or left to expire, by the shares
 * given. The stock is meant to be scarce: a real share of carts finds some line short and is rejected whole.
 */
public record CartPlan(String name, Map<String, Long> stock, List<Cart> carts, int holdSeconds) {

  /** One line as placed: a SKU may appear in more than one line of a cart. */
  public record Line(String sku, int quantity) {}

  /** A cart: the order's ID, its lines as placed, and what the shopper does once it is held. */
  public record Cart(String orderId, List<Line> lines, Plan.FollowUp followUp) {

    public Cart {
      lines = List.copyOf(lines);
    }

    /** The lines of the same SKU summed, in SKU order: what an all-or-nothing hold must take of each SKU. */
    public Map<String, Long> unitsBySku() {
      Map<String, Long> units = new TreeMap<>();
      lines.forEach(l -> units.merge(l.sku(), (long) l.quantity(), Long::sum));
      return Collections.unmodifiableMap(units);
    }
  }

  public CartPlan {
    stock = Collections.unmodifiableMap(new LinkedHashMap<>(stock));
    carts = List.copyOf(carts);
    if (holdSeconds < 1) {
      throw new IllegalArgumentException("a hold lasts at least a second (was " + holdSeconds + ")");
    }
  }

  /**
   * {@code skus} SKUs with {@code stockPerSku} units each, and {@code carts} carts of 1 to {@code maxLines}
   * lines (uniformly), each line's SKU drawn by Zipf with exponent {@code zipf} and its quantity 1 to 3
   * (uniformly). A held cart is confirmed with probability {@code confirm}, cancelled with probability
   * {@code cancel}, else left to expire after {@code holdSeconds}. The same arguments give the same plan.
   */
  public static CartPlan generate(String tag, int skus, long stockPerSku, int carts, int maxLines, double zipf,
      double confirm, double cancel, int holdSeconds, long seed) {
    if (confirm < 0 || cancel < 0 || confirm + cancel > 1) {
      throw new IllegalArgumentException("--cart-confirm and --cart-cancel must be fractions summing to at most 1");
    }
    if (maxLines < 1 || maxLines > 100) {
      throw new IllegalArgumentException("a cart has 1 to 100 lines (--cart-lines was " + maxLines + ")");
    }
    Map<String, Long> stock = new LinkedHashMap<>();
    for (int k = 0; k < skus; k++) {
      stock.put(Plan.skuName(tag, k), stockPerSku);
    }
    ZipfSampler demand = new ZipfSampler(skus, zipf, seed);
    SplittableRandom random = new SplittableRandom(seed ^ 0xCA575L);
    List<Cart> list = new ArrayList<>(carts);
    for (int i = 0; i < carts; i++) {
      int n = 1 + random.nextInt(maxLines);
      List<Line> lines = new ArrayList<>(n);
      for (int l = 0; l < n; l++) {
        lines.add(new Line(Plan.skuName(tag, demand.next()), 1 + random.nextInt(3)));
      }
      double u = random.nextDouble();
      Plan.FollowUp f = u < confirm ? Plan.FollowUp.CONFIRM : u < confirm + cancel ? Plan.FollowUp.CANCEL
          : Plan.FollowUp.NONE;
      list.add(new Cart(tag + "-c" + i, lines, f));
    }
    return new CartPlan("carts", stock, list, holdSeconds);
  }
}
