package io.stocklog.bench;

import java.sql.Connection;
import java.sql.SQLException;

/** Contender 3: {@code SELECT ... FOR UPDATE} on the stock row, then update it and insert the order. */
final class PgForUpdate extends PgContender {

  private static final String LOCK = "SELECT available FROM bench_stock WHERE sku = ? FOR UPDATE";
  private static final String TAKE = "UPDATE bench_stock SET available = available - ? WHERE sku = ?";
  private static final String GIVE = "UPDATE bench_stock SET available = available + ? WHERE sku = ?";

  PgForUpdate(BenchDatabase db, int clients) throws SQLException {
    super(db, clients);
  }

  @Override
  public String name() {
    return "Postgres SELECT FOR UPDATE";
  }

  @Override
  Answer reserveNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      long[] row = selectLongs(c, LOCK, sku);
      if (row == null || row[0] < quantity) {
        c.rollback();
        return Answer.of(false, 0);
      }
      update(c, TAKE, quantity, sku);
      insertOrder(c, sku, orderId, quantity);
      c.commit();
      return Answer.of(true, 0);
    }
  }

  @Override
  Answer confirmNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      selectLongs(c, LOCK, sku);
      boolean ok = update(c, CONFIRM_ORDER, orderId) == 1;
      c.commit();
      return Answer.of(ok, 0);
    }
  }

  @Override
  Answer cancelNow(String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      selectLongs(c, LOCK, sku);
      boolean ok = update(c, CANCEL_ORDER, orderId) == 1;
      if (ok) {
        update(c, GIVE, quantity, sku);
      }
      c.commit();
      return Answer.of(ok, 0);
    }
  }
}
