package io.stocklog.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the clients were told, per SKU: units granted by held reservations, minus units given back by
 * successful cancels (a confirm keeps its units). A SKU is oversold by whatever this exceeds its initial
 * stock. It is kept from the answers, not from the store, so a strategy cannot hide an oversell by
 * also corrupting its own counter; {@link #oversold(Map)} also takes what the store says is left, and
 * counts a negative remainder as oversold too.
 */
public final class OversellLedger {

  private final Map<String, Long> initial;
  private final ConcurrentHashMap<String, AtomicLong> committed = new ConcurrentHashMap<>();

  public OversellLedger(Map<String, Long> initialStock) {
    this.initial = Map.copyOf(initialStock);
  }

  public void held(String sku, long units) {
    committed.computeIfAbsent(sku, k -> new AtomicLong()).addAndGet(units);
  }

  public void cancelled(String sku, long units) {
    committed.computeIfAbsent(sku, k -> new AtomicLong()).addAndGet(-units);
  }

  public long committed(String sku) {
    AtomicLong c = committed.get(sku);
    return c == null ? 0 : c.get();
  }

  /**
   * Oversold units over all SKUs: per SKU the larger of what the answers overshoot the stock by and what
   * the store's remainder is below zero. {@code remaining} may be empty when a store cannot say.
   */
  public long oversold(Map<String, Long> remaining) {
    Map<String, Long> all = new HashMap<>(initial);
    committed.keySet().forEach(k -> all.putIfAbsent(k, 0L));
    long total = 0;
    for (var e : all.entrySet()) {
      long byAnswers = Math.max(0, committed(e.getKey()) - e.getValue());
      Long left = remaining.get(e.getKey());
      long byStore = left == null ? 0 : Math.max(0, -left);
      total += Math.max(byAnswers, byStore);
    }
    return total;
  }
}
