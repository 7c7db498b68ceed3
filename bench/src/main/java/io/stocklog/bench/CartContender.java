package io.stocklog.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One way to hold a cart of several lines all or nothing, reached through its native client: place the order
 * (every line held, or none), then confirm or cancel it, or leave it to expire. After a run it reports its final
 * state ({@link #settle}), from which {@link CartAccount} counts stranded, oversold and partial.
 */
interface CartContender extends AutoCloseable {

  String name();

  /** How durable an answer is when given ({@link Contender#durability()}). */
  Durability durability();

  /** Loads the initial stock, before the clock starts. */
  void load(Map<String, Long> stock) throws Exception;

  /** Places {@code cart} to be held for {@code holdSeconds}; completes with the decision. */
  CompletableFuture<Answer> place(CartPlan.Cart cart, int holdSeconds);

  CompletableFuture<Answer> confirm(CartPlan.Cart cart);

  CompletableFuture<Answer> cancel(CartPlan.Cart cart);

  /**
   * Waits until every hold of {@code plan} has ended (its deadline passed and the store has let it go, at most
   * {@code timeoutSeconds}), then reads the final state of the plan's SKUs and orders.
   */
  Settled settle(CartPlan plan, long timeoutSeconds) throws Exception;

  /** Anything a reader of the figures must know; empty if nothing. */
  default String note() {
    return "";
  }

  /** Orders in flight at once: client threads or a pipeline. */
  int concurrency();

  @Override
  void close();

  /** A cart's decision as the client learnt it. */
  enum Decision {
    /** Placing: every line held. Confirm, cancel: done as asked. */
    DONE,
    /** Placing: some line short, nothing held. Confirm, cancel: refused for a reason other than the hold's end. */
    REFUSED,
    /** Confirm: refused because the hold had ended (the shopper was too late). */
    EXPIRED
  }

  /**
   * @param decision what the request got
   * @param partial whether the answer itself shows lines that did not go together (a held order with a line not
   *     held, a rejected one with a line still held); false when the answer does not list lines
   * @param knownAt {@link System#nanoTime()} when the decision became known to the client
   * @param reason why a placing was rejected (OUT_OF_STOCK, EXPIRED, ...); null if it was not
   */
  record Answer(Decision decision, boolean partial, long knownAt, String reason) {

    static Answer now(Decision decision) {
      return new Answer(decision, false, System.nanoTime(), null);
    }

    static Answer rejected(String reason) {
      return new Answer(Decision.REFUSED, false, System.nanoTime(), reason);
    }
  }

  /** The final state of a plan's SKUs and orders, and anything a reader must know about how it was read. */
  record Settled(Map<String, CartAccount.SkuState> skus, java.util.List<CartAccount.OrderState> orders, String note) {}
}
