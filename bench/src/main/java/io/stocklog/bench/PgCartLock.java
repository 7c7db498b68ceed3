package io.stocklog.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carts in Postgres the way Saleor allocates an order: one transaction per cart that locks every line's stock row
 * with {@code SELECT ... FOR UPDATE} in SKU order (lines of the same SKU summed, so each row is locked once, and
 * the fixed order means two carts never wait on each other in a cycle), checks every line, and then either
 * reserves them all (the stock rows' {@code reserved}, the order and its lines) or rolls back and lists the short
 * lines. Confirm and cancel are transactions of their own: the order row locked first, then its stock rows in SKU
 * order. A hold ends by wall clock: the order carries {@code expires_at}; a confirm after it is refused and
 * releases the hold on the spot (checked lazily, as Saleor's availability ignores reservations past
 * {@code reserved_until}), and a sweep every {@value #SWEEP_MS} ms releases the rest (Saleor's periodic task that
 * deletes expired reservations). Commits are durable as the server's settings say ({@link BenchDatabase#durability}:
 * synchronous commit on, by default).
 */
final class PgCartLock implements CartContender {

  private static final Logger log = LoggerFactory.getLogger(PgCartLock.class);

  static final long SWEEP_MS = 250;

  private static final String SCHEMA = """
      DROP TABLE IF EXISTS cart_stock, cart_orders, cart_lines;
      CREATE TABLE cart_stock (sku text PRIMARY KEY, on_hand bigint NOT NULL, reserved bigint NOT NULL DEFAULT 0);
      CREATE TABLE cart_orders (order_id text PRIMARY KEY, status text NOT NULL, expires_at timestamptz NOT NULL);
      CREATE INDEX cart_orders_due ON cart_orders (expires_at) WHERE status = 'HELD';
      CREATE TABLE cart_lines (order_id text NOT NULL, sku text NOT NULL, quantity bigint NOT NULL,
        status text NOT NULL, PRIMARY KEY (order_id, sku));
      """;
  private static final String LOCK_STOCK =
      "SELECT sku, on_hand - reserved FROM cart_stock WHERE sku = ANY (?) ORDER BY sku FOR UPDATE";
  private static final String RESERVE =
      "UPDATE cart_stock s SET reserved = s.reserved + v.q FROM unnest(?::text[], ?::bigint[]) v(sku, q) WHERE s.sku = v.sku";
  private static final String INSERT_ORDER =
      "INSERT INTO cart_orders (order_id, status, expires_at) VALUES (?, 'HELD', now() + ? * interval '1 second')";
  private static final String INSERT_LINES = "INSERT INTO cart_lines (order_id, sku, quantity, status)"
      + " SELECT ?, v.sku, v.q, 'HELD' FROM unnest(?::text[], ?::bigint[]) v(sku, q)";
  private static final String LOCK_ORDER =
      "SELECT status, expires_at > now() FROM cart_orders WHERE order_id = ? FOR UPDATE";
  private static final String LINES = "SELECT sku, quantity FROM cart_lines WHERE order_id = ? ORDER BY sku";
  private static final String SELL =
      "UPDATE cart_stock s SET on_hand = s.on_hand - v.q, reserved = s.reserved - v.q"
          + " FROM unnest(?::text[], ?::bigint[]) v(sku, q) WHERE s.sku = v.sku";
  private static final String RELEASE =
      "UPDATE cart_stock s SET reserved = s.reserved - v.q FROM unnest(?::text[], ?::bigint[]) v(sku, q) WHERE s.sku = v.sku";
  private static final String SET_ORDER = "UPDATE cart_orders SET status = ? WHERE order_id = ?";
  private static final String SET_LINES = "UPDATE cart_lines SET status = ? WHERE order_id = ?";
  private static final String DUE =
      "SELECT order_id FROM cart_orders WHERE status = 'HELD' AND expires_at <= now() ORDER BY expires_at LIMIT 1000";

  private final BenchDatabase db;
  private final HikariDataSource pool;
  private final Durability durability;
  private final int clients;
  private final ExecutorService threads;
  private final Thread sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong swept = new AtomicLong();
  private final AtomicLong deadlocks = new AtomicLong();

  PgCartLock(BenchDatabase db, int clients) throws SQLException {
    this.db = db;
    this.clients = clients;
    this.pool = db.pool("PgCartLock", clients + 1, "");
    try {
      this.durability = BenchDatabase.durability(pool);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    this.threads = Executors.newFixedThreadPool(clients,
        Thread.ofPlatform().name("PgCartLock-", 0).daemon(true).factory());
    this.sweeper = Thread.ofPlatform().name("PgCartLock-sweep").daemon(true).start(this::sweepLoop);
  }

  @Override
  public String name() {
    return "Postgres, every line FOR UPDATE in SKU order";
  }

  @Override
  public Durability durability() {
    return durability;
  }

  @Override
  public int concurrency() {
    return clients;
  }

  @Override
  public String note() {
    return deadlocks.get() == 0 ? "" : deadlocks.get() + " deadlocks";
  }

  @Override
  public void load(Map<String, Long> stock) throws SQLException {
    swept.set(0);
    try (Connection c = pool.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(SCHEMA);
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO cart_stock (sku, on_hand) VALUES (?, ?)")) {
        for (var e : stock.entrySet()) {
          p.setString(1, e.getKey());
          p.setLong(2, e.getValue());
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
    }
  }

  private interface Tx {
    Answer run(Connection c) throws SQLException;
  }

  private CompletableFuture<Answer> submit(Tx tx) {
    CompletableFuture<Answer> f = new CompletableFuture<>();
    threads.execute(() -> {
      try (Connection c = pool.getConnection()) {
        try {
          Answer a = tx.run(c);
          c.commit();
          f.complete(new Answer(a.decision(), a.partial(), System.nanoTime(), a.reason()));
        } catch (SQLException e) {
          c.rollback();
          if ("40P01".equals(e.getSQLState())) {
            deadlocks.incrementAndGet();
          }
          throw e;
        }
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public CompletableFuture<Answer> place(CartPlan.Cart cart, int holdSeconds) {
    return submit(c -> {
      Map<String, Long> units = cart.unitsBySku();
      Map<String, Long> available = lockStock(c, units.keySet().toArray(String[]::new));
      for (var e : units.entrySet()) {
        Long left = available.get(e.getKey());
        if (left == null || left < e.getValue()) {
          c.rollback();
          return Answer.rejected(left == null ? "UNKNOWN_SKU" : "OUT_OF_STOCK");
        }
      }
      String[] skus = units.keySet().toArray(String[]::new);
      Long[] quantities = units.values().toArray(Long[]::new);
      update(c, RESERVE, c.createArrayOf("text", skus), c.createArrayOf("bigint", quantities));
      update(c, INSERT_ORDER, cart.orderId(), holdSeconds);
      update(c, INSERT_LINES, cart.orderId(), c.createArrayOf("text", skus), c.createArrayOf("bigint", quantities));
      return Answer.now(Decision.DONE);
    });
  }

  @Override
  public CompletableFuture<Answer> confirm(CartPlan.Cart cart) {
    return submit(c -> end(c, cart.orderId(), OrderStatus.CONFIRMED));
  }

  @Override
  public CompletableFuture<Answer> cancel(CartPlan.Cart cart) {
    return submit(c -> end(c, cart.orderId(), OrderStatus.CANCELLED));
  }

  /**
   * Ends a held order as {@code to} (CONFIRMED, CANCELLED, or EXPIRED for the sweep): the order row locked first,
   * then its stock rows in SKU order. A confirm or cancel of an order past its deadline expires it instead.
   */
  private Answer end(Connection c, String orderId, OrderStatus to) throws SQLException {
    String status;
    boolean inTime;
    try (PreparedStatement p = c.prepareStatement(LOCK_ORDER)) {
      p.setString(1, orderId);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return Answer.now(Decision.REFUSED);
        }
        status = r.getString(1);
        inTime = r.getBoolean(2);
      }
    }
    if (!status.equals(OrderStatus.HELD.name())) {
      return Answer.now(status.equals(OrderStatus.EXPIRED.name()) ? Decision.EXPIRED : Decision.REFUSED);
    }
    if (to == OrderStatus.EXPIRED && inTime) {
      return Answer.now(Decision.REFUSED);
    }
    OrderStatus outcome = inTime ? to : OrderStatus.EXPIRED;
    List<String> skus = new ArrayList<>();
    List<Long> quantities = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(LINES)) {
      p.setString(1, orderId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          skus.add(r.getString(1));
          quantities.add(r.getLong(2));
        }
      }
    }
    Array skuArray = c.createArrayOf("text", skus.toArray());
    lockStock(c, skus.toArray(String[]::new));
    update(c, outcome == OrderStatus.CONFIRMED ? SELL : RELEASE, skuArray,
        c.createArrayOf("bigint", quantities.toArray()));
    update(c, SET_ORDER, outcome.name(), orderId);
    ReservationStatus line = switch (outcome) {
      case CONFIRMED -> ReservationStatus.CONFIRMED;
      case CANCELLED -> ReservationStatus.CANCELLED;
      default -> ReservationStatus.EXPIRED;
    };
    update(c, SET_LINES, line.name(), orderId);
    if (outcome == to) {
      return Answer.now(Decision.DONE);
    }
    return Answer.now(Decision.EXPIRED);
  }

  /** Locks the stock rows of {@code skus} in SKU order; what each has available. */
  private static Map<String, Long> lockStock(Connection c, String[] skus) throws SQLException {
    Map<String, Long> available = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement(LOCK_STOCK)) {
      p.setArray(1, c.createArrayOf("text", skus));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          available.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return available;
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p.executeUpdate();
    }
  }

  private void sweepLoop() {
    while (!closed.get()) {
      try {
        sweep();
        Thread.sleep(SWEEP_MS);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!closed.get()) {
          log.debug("sweep failed", e);
        }
      }
    }
  }

  /** Expires every held order past its deadline, each in its own transaction; how many were due. */
  private int sweep() throws SQLException {
    List<String> due = new ArrayList<>();
    try (Connection c = pool.getConnection()) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(DUE)) {
        while (r.next()) {
          due.add(r.getString(1));
        }
      }
      c.commit();
      for (String orderId : due) {
        try {
          if (end(c, orderId, OrderStatus.EXPIRED).decision() == Decision.DONE) {
            swept.incrementAndGet();
          }
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          throw e;
        }
      }
    }
    return due.size();
  }

  @Override
  public Settled settle(CartPlan plan, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline && held() > 0) {
      Thread.sleep(SWEEP_MS);
    }
    Map<String, CartAccount.SkuState> skus = new HashMap<>();
    Map<String, List<CartAccount.LineState>> lines = new HashMap<>();
    Map<String, OrderStatus> orders = new LinkedHashMap<>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT sku, on_hand, reserved FROM cart_stock")) {
        while (r.next()) {
          skus.put(r.getString(1), new CartAccount.SkuState(r.getLong(2), r.getLong(3)));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT order_id, status FROM cart_orders ORDER BY order_id")) {
        while (r.next()) {
          orders.put(r.getString(1), OrderStatus.valueOf(r.getString(2)));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT order_id, sku, quantity, status FROM cart_lines")) {
        while (r.next()) {
          lines.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new CartAccount.LineState(
              r.getString(2), r.getLong(3), ReservationStatus.valueOf(r.getString(4))));
        }
      }
      c.commit();
    }
    List<CartAccount.OrderState> states = new ArrayList<>();
    orders.forEach((id, status) -> states.add(new CartAccount.OrderState(id, status, lines.getOrDefault(id, List.of()))));
    lines.keySet().stream().filter(id -> !orders.containsKey(id))
        .forEach(id -> states.add(new CartAccount.OrderState(id, null, lines.get(id))));
    return new Settled(new TreeMap<>(skus), states, swept.get() + " holds released by the sweep");
  }

  private long held() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM cart_orders WHERE status = 'HELD'")) {
      r.next();
      long n = r.getLong(1);
      c.commit();
      return n;
    }
  }

  @Override
  public void close() {
    closed.set(true);
    sweeper.interrupt();
    threads.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
      sweeper.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }
}
