package io.stocklog.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** What the Postgres strategies share: a pool of one connection per client, the tables, the order record. */
abstract class PgContender extends BlockingContender {

  static final String INSERT_ORDER = "INSERT INTO bench_orders (order_id, sku, quantity, status) VALUES (?, ?, ?, 'HELD')";
  static final String CONFIRM_ORDER = "UPDATE bench_orders SET status = 'CONFIRMED' WHERE order_id = ? AND status = 'HELD'";
  static final String CANCEL_ORDER = "UPDATE bench_orders SET status = 'CANCELLED' WHERE order_id = ? AND status = 'HELD'";

  final BenchDatabase db;
  final HikariDataSource pool;
  private final Durability durability;

  PgContender(BenchDatabase db, int clients) throws SQLException {
    this(db, clients, "");
  }

  /** @param sessionOptions settings for every connection ({@link BenchDatabase#pool(String, int, String)}) */
  PgContender(BenchDatabase db, int clients, String sessionOptions) throws SQLException {
    super(clients);
    this.db = db;
    this.pool = db.pool(getClass().getSimpleName(), clients, sessionOptions);
    try {
      // Asked of the server, as these sessions see it, rather than assumed: a commit is as durable as that.
      this.durability = BenchDatabase.durability(pool);
    } catch (SQLException | RuntimeException e) {
      super.close();
      pool.close();
      throw e;
    }
  }

  @Override
  public Durability durability() {
    return durability;
  }

  @Override
  public void load(Map<String, Long> stock) throws SQLException {
    db.reset(pool, stock);
  }

  @Override
  public Map<String, Long> remaining(Iterable<String> skus) throws SQLException {
    return BenchDatabase.remaining(pool);
  }

  static void insertOrder(Connection c, String sku, String orderId, int quantity) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(INSERT_ORDER)) {
      p.setString(1, orderId);
      p.setString(2, sku);
      p.setInt(3, quantity);
      p.executeUpdate();
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p.executeUpdate();
    }
  }

  static long[] selectLongs(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        long[] out = new long[r.getMetaData().getColumnCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = r.getLong(i + 1);
        }
        return out;
      }
    }
  }

  @Override
  public void close() {
    super.close();
    pool.close();
  }
}
