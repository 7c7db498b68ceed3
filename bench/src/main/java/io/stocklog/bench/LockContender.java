package io.stocklog.bench;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock service around the Postgres read-modify-write ({@link LockedStore}). Subclasses say how to take
 * and give back the lock on a SKU and what fencing token, if any, it yields.
 */
abstract class LockContender extends PgContender {

  final AtomicLong fenced = new AtomicLong();

  LockContender(BenchDatabase db, int clients) throws SQLException {
    super(db, clients);
  }

  /** A held lock: its fencing token (or -1) and how many tries it took beyond the first. */
  record Held(Object handle, long token, int retries) {}

  abstract Held lock(String sku) throws Exception;

  abstract void unlock(String sku, Held held) throws Exception;

  @Override
  public String note() {
    return fenced.get() == 0 ? "" : fenced.get() + " writes fenced out";
  }

  private Answer locked(LockedStore.Kind kind, String sku, String orderId, int quantity) throws Exception {
    Held held = lock(sku);
    try {
      LockedStore.Result r = LockedStore.apply(pool, kind, sku, orderId, quantity, held.token());
      if (r == LockedStore.Result.FENCED) {
        fenced.incrementAndGet();
      }
      return Answer.of(r == LockedStore.Result.GRANTED, held.retries());
    } finally {
      unlock(sku, held);
    }
  }

  @Override
  Answer reserveNow(String sku, String orderId, int quantity) throws Exception {
    return locked(LockedStore.Kind.RESERVE, sku, orderId, quantity);
  }

  @Override
  Answer confirmNow(String sku, String orderId, int quantity) throws Exception {
    return locked(LockedStore.Kind.CONFIRM, sku, orderId, quantity);
  }

  @Override
  Answer cancelNow(String sku, String orderId, int quantity) throws Exception {
    return locked(LockedStore.Kind.CANCEL, sku, orderId, quantity);
  }
}
