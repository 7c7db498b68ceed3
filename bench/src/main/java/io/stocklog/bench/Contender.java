package io.stocklog.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One strategy for not selling the last unit twice, reached through its native client. Every operation
 * answers once its outcome is known and durable as far as the strategy goes (each writes an order record);
 * {@link #durability()} says how far that is.
 * Implementations are either pipelined (a Kafka producer, an HTTP client) or blocking behind a pool of
 * client threads ({@link BlockingContender}).
 */
public interface Contender extends AutoCloseable {

  String name();

  /**
   * How durable an answer is when this contender gives it, as this run's servers are configured: what a crash
   * right after the answer could still lose. The results table and the README show it next to the figures.
   */
  Durability durability();

  /** Loads the initial stock, before the clock starts. */
  void load(Map<String, Long> stock) throws Exception;

  CompletableFuture<Answer> reserve(String sku, String orderId, int quantity);

  CompletableFuture<Answer> confirm(String sku, String orderId, int quantity);

  CompletableFuture<Answer> cancel(String sku, String orderId, int quantity);

  /** What the store says is left per SKU after the run, to cross-check oversell; empty if it cannot say. */
  Map<String, Long> remaining(Iterable<String> skus) throws Exception;

  /** Anything a reader of the figures must know (requests given up, servers used); empty if nothing. */
  default String note() {
    return "";
  }

  /** How many requests this contender wants in flight at once: its client threads or its pipeline. */
  int concurrency();

  @Override
  void close();

  /**
   * An operation's outcome as the client learnt it.
   *
   * @param granted held, confirmed or cancelled as asked; false when refused (out of stock, unknown)
   * @param retries attempts beyond the first (OCC conflicts, lock waits)
   * @param position for this system: where the decision's event is in the log; else null
   * @param knownAt {@link System#nanoTime()} when the outcome became known to the client
   */
  record Answer(boolean granted, int retries, String position, long knownAt) {

    static Answer of(boolean granted, int retries) {
      return new Answer(granted, retries, null, System.nanoTime());
    }
  }
}
