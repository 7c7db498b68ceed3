package io.stocklog.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Contender 5: one conditional {@code UPDATE ... WHERE available >= :k} (the row lock lasts one statement),
 * then the order insert in the same transaction. A cancel is one statement too.
 *
 * <p>Optionally with {@code synchronous_commit = off} on every connection: a commit then answers before its WAL
 * is flushed (the page-cache class, as a single Kafka broker's acknowledgement is), the like-for-like peer of
 * this system as the benchmark runs it.
 */
final class PgConditional extends PgContender {

  private static final String TAKE = "UPDATE bench_stock SET available = available - ? WHERE sku = ? AND available >= ?";
  private static final String CANCEL = """
      WITH c AS (UPDATE bench_orders SET status = 'CANCELLED' WHERE order_id = ? AND status = 'HELD'
                 RETURNING sku, quantity)
      UPDATE bench_stock s SET available = s.available + c.quantity FROM c WHERE s.sku = c.sku
      """;

  private final boolean asynchronousCommit;

  /** @param asynchronousCommit {@code SET synchronous_commit = off} on every connection, from its start */
  PgConditional(BenchDatabase db, int clients, boolean asynchronousCommit) throws SQLException {
    super(db, clients, asynchronousCommit ? "-c synchronous_commit=off" : "");
    this.asynchronousCommit = asynchronousCommit;
  }

  @Override
  public String name() {
    return asynchronousCommit ? "Postgres conditional UPDATE, synchronous_commit=off" : "Postgres conditional UPDATE";
  }

  @Override
  Answer reserveNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      if (update(c, TAKE, quantity, sku, quantity) == 0) {
        c.rollback();
        return Answer.of(false, 0);
      }
      insertOrder(c, sku, orderId, quantity);
      c.commit();
      return Answer.of(true, 0);
    }
  }

  @Override
  Answer confirmNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      boolean ok = update(c, CONFIRM_ORDER, orderId) == 1;
      c.commit();
      return Answer.of(ok, 0);
    }
  }

  @Override
  Answer cancelNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      boolean ok = update(c, CANCEL, orderId) == 1;
      c.commit();
      return Answer.of(ok, 0);
    }
  }
}
