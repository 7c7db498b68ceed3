package io.stocklog.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;

/**
 * The read-modify-write the lock-based contenders (Redis SETNX, Redlock, ZooKeeper, etcd) do while they
 * hold their lock: read the row, decide in the application, write the new value and the order.
 *
 * <p>With a fencing token the holder first claims the row ({@code SET fence = :token WHERE fence < :token},
 * which also reads it), then writes only while the row still carries its token. Checking the token on the
 * write alone is not enough: a newer holder could read before a stale holder's late write and then
 * overwrite it, losing that update (the first benchmark run oversold 3 units exactly so, when etcd leases
 * expired on an overloaded machine). A holder fenced out is rolled back and counted, never applied.
 */
final class LockedStore {

  private static final String READ = "SELECT available FROM bench_stock WHERE sku = ?";
  private static final String WRITE = "UPDATE bench_stock SET available = ? WHERE sku = ?";
  private static final String CLAIM = "UPDATE bench_stock SET fence = ? WHERE sku = ? AND fence < ? RETURNING available";
  private static final String WRITE_FENCED = "UPDATE bench_stock SET available = ? WHERE sku = ? AND fence = ?";

  enum Kind { RESERVE, CONFIRM, CANCEL }

  /** What happened: granted, refused, or fenced out (a stale lock holder). */
  enum Result { GRANTED, REFUSED, FENCED }

  private LockedStore() {}

  /** {@code token} is the fencing token, or -1 for a lock that gives none. */
  static Result apply(HikariDataSource pool, Kind kind, String sku, String orderId, int quantity, long token)
      throws Exception {
    try (Connection c = pool.getConnection()) {
      long[] row = token < 0 ? PgContender.selectLongs(c, READ, sku) : PgContender.selectLongs(c, CLAIM, token, sku, token);
      if (row == null && token >= 0) {
        c.rollback();
        return Result.FENCED;
      }
      if (row == null || (kind == Kind.RESERVE && row[0] < quantity)) {
        c.rollback();
        return Result.REFUSED;
      }
      long available = switch (kind) {
        case RESERVE -> row[0] - quantity;
        case CONFIRM -> row[0];
        case CANCEL -> row[0] + quantity;
      };
      int written = token < 0 ? PgContender.update(c, WRITE, available, sku)
          : PgContender.update(c, WRITE_FENCED, available, sku, token);
      if (written == 0) {
        c.rollback();
        return Result.FENCED;
      }
      boolean ok = switch (kind) {
        case RESERVE -> {
          PgContender.insertOrder(c, sku, orderId, quantity);
          yield true;
        }
        case CONFIRM -> PgContender.update(c, PgContender.CONFIRM_ORDER, orderId) == 1;
        case CANCEL -> PgContender.update(c, PgContender.CANCEL_ORDER, orderId) == 1;
      };
      if (ok) {
        c.commit();
        return Result.GRANTED;
      }
      c.rollback();
      return Result.REFUSED;
    }
  }
}
