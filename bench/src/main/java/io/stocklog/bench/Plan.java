package io.stocklog.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A workload, fixed in advance from a seed: the initial stock per SKU and the orders in the order they
 * are sent. Each order is a reservation and, if it is held, perhaps a follow-up (confirm or cancel) sent
 * as soon as the hold is known. The SKU and order names carry a tag so runs against one shared log never
 * collide.
 */
public record Plan(String name, Map<String, Long> stock, List<Order> orders) {

  public enum FollowUp { NONE, CONFIRM, CANCEL }

  public record Order(String sku, String orderId, int quantity, FollowUp followUp) {}

  public Plan {
    stock = Collections.unmodifiableMap(new LinkedHashMap<>(stock));
    orders = List.copyOf(orders);
  }

  /** One hot SKU with {@code stock} units and {@code requests} buyers of one unit each. */
  public static Plan flashSale(String tag, long stock, int requests) {
    String sku = tag + ":FLASH";
    List<Order> orders = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      orders.add(new Order(sku, tag + "-o" + i, 1, FollowUp.NONE));
    }
    return new Plan("flash sale", Map.of(sku, stock), orders);
  }

  /**
   * {@code skus} SKUs with {@code stockPerSku} each; {@code orders} reservations of 1 to 3 units whose SKU
   * is drawn from a Zipf distribution with exponent {@code zipf}; a held reservation is confirmed with
   * probability {@code confirm}, cancelled with probability {@code cancel}, else left held.
   */
  public static Plan catalogue(String tag, int skus, long stockPerSku, int orders, double zipf,
      double confirm, double cancel, long seed) {
    if (confirm < 0 || cancel < 0 || confirm + cancel > 1) {
      throw new IllegalArgumentException("--confirm and --cancel must be fractions summing to at most 1");
    }
    Map<String, Long> stock = new LinkedHashMap<>();
    for (int k = 0; k < skus; k++) {
      stock.put(skuName(tag, k), stockPerSku);
    }
    ZipfSampler demand = new ZipfSampler(skus, zipf, seed);
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<Order> list = new ArrayList<>(orders);
    for (int i = 0; i < orders; i++) {
      String sku = skuName(tag, demand.next());
      int quantity = 1 + random.nextInt(3);
      double u = random.nextDouble();
      FollowUp f = u < confirm ? FollowUp.CONFIRM : u < confirm + cancel ? FollowUp.CANCEL : FollowUp.NONE;
      list.add(new Order(sku, tag + "-o" + i, quantity, f));
    }
    return new Plan("catalogue", stock, list);
  }

  static String skuName(String tag, int rank) {
    return tag + ":SKU-" + rank;
  }
}
