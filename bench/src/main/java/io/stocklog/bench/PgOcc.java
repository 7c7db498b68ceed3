package io.stocklog.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Contender 4: read the row and its version, then {@code UPDATE ... WHERE version = :read}; on a conflict
 * back off (exponential, full jitter) and try again, at most {@code maxRetries} times, then give up and
 * tell the client to try later (counted as not granted, and in the note).
 */
final class PgOcc extends PgContender {

  private static final String READ = "SELECT available, version FROM bench_stock WHERE sku = ?";
  private static final String WRITE = "UPDATE bench_stock SET available = ?, version = version + 1 WHERE sku = ? AND version = ?";

  private final int maxRetries;
  private final AtomicLong gaveUp = new AtomicLong();

  PgOcc(BenchDatabase db, int clients, int maxRetries) throws SQLException {
    super(db, clients);
    this.maxRetries = maxRetries;
  }

  @Override
  public String name() {
    return "Postgres version OCC";
  }

  @Override
  public String note() {
    return gaveUp.get() == 0 ? "" : gaveUp.get() + " requests gave up after " + maxRetries + " retries";
  }

  private enum Kind { RESERVE, CONFIRM, CANCEL }

  private Answer attempt(Kind kind, String sku, String orderId, int quantity) throws Exception {
    try (Connection c = pool.getConnection()) {
      for (int attempt = 0; ; attempt++) {
        long[] row = selectLongs(c, READ, sku);
        if (row == null || (kind == Kind.RESERVE && row[0] < quantity)) {
          c.rollback();
          return Answer.of(false, attempt);
        }
        long available = switch (kind) {
          case RESERVE -> row[0] - quantity;
          case CONFIRM -> row[0];
          case CANCEL -> row[0] + quantity;
        };
        if (update(c, WRITE, available, sku, row[1]) == 1) {
          boolean ok = switch (kind) {
            case RESERVE -> {
              insertOrder(c, sku, orderId, quantity);
              yield true;
            }
            case CONFIRM -> update(c, CONFIRM_ORDER, orderId) == 1;
            case CANCEL -> update(c, CANCEL_ORDER, orderId) == 1;
          };
          if (ok) {
            c.commit();
          } else {
            c.rollback();
          }
          return Answer.of(ok, attempt);
        }
        c.rollback();
        if (attempt >= maxRetries) {
          gaveUp.incrementAndGet();
          return Answer.of(false, attempt);
        }
        long capMicros = Math.min(50_000, 200L << Math.min(attempt, 10));
        java.util.concurrent.locks.LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(capMicros) * 1000);
      }
    }
  }

  @Override
  Answer reserveNow(String sku, String orderId, int quantity) throws Exception {
    return attempt(Kind.RESERVE, sku, orderId, quantity);
  }

  @Override
  Answer confirmNow(String sku, String orderId, int quantity) throws Exception {
    return attempt(Kind.CONFIRM, sku, orderId, quantity);
  }

  @Override
  Answer cancelNow(String sku, String orderId, int quantity) throws Exception {
    return attempt(Kind.CANCEL, sku, orderId, quantity);
  }
}
