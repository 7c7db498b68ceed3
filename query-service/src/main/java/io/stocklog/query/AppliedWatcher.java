package io.stocklog.query;

import io.stocklog.readmodel.AppliedRead;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.ReadModelNotices;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.SkuRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one watcher of the read model in a query-service instance: everything that waits for the read model to
 * move (read-your-writes waits, the tag checks of {@link SkuViews}, the streams of {@link StockFeed}) learns it
 * from here, so what Postgres pays does not grow with the number of waiting callers.
 *
 * <p>On a connection of its own (not the pool's) it {@code LISTEN}s on {@link ReadModelNotices#CHANNEL}, which the
 * sink notifies in each batch's transaction. Each notice, or {@code pollInterval} without one, starts a round: one
 * statement ({@link ReadModelQueries#changesSince}) reads every partition's applied position and the SKU rows
 * that moved past the positions the previous round saw, and the round goes to each listener in order. Notices
 * that arrive during a round are taken together by the next one, so a busy sink costs at most one statement per
 * round, however many batches it commits meanwhile. The poll covers what a notice cannot: a sink that sends none
 * (an older version) and a notice lost with a connection.
 *
 * <p>Because a round asks for what changed since the last positions it saw, not for what was notified, a lost
 * connection loses nothing: the first round after reconnecting returns every row changed while it was away (the
 * read model keeps each SKU's latest row, so that is the latest of each, not every step between). While the
 * connection is down the listeners are told ({@code down}), so nobody serves from what may be stale, and it
 * reconnects with a backoff from 100 ms to 2 s, logging the outage once and the recovery once.
 */
final class AppliedWatcher implements AutoCloseable {

  /** What hears the watcher's rounds, in the order given: each is called on the watcher's thread. */
  interface Listener {
    void round(Round round);

    /** The watcher lost Postgres: what it said may be stale until the next round. */
    void down();
  }

  private static final Logger log = LoggerFactory.getLogger(AppliedWatcher.class);
  /** Named in {@code pg_stat_activity}, so an operator (and the outage test) can find the watcher's backend. */
  static final String APPLICATION_NAME = "stocklog-query-watcher";
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;

  private final String jdbcUrl;
  private final Properties connectionProperties;
  private final ReadModelQueries queries;
  private final Duration pollInterval;
  private final int partitions;
  private final List<Listener> listeners;
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong notices = new AtomicLong();
  private volatile boolean live;

  /** Owned by the watcher's thread. */
  private Connection connection;
  /** The applied offset per partition that the last round saw; null until a first round. */
  private Map<Integer, Long> seen;

  AppliedWatcher(String jdbcUrl, String user, String password, ReadModelQueries queries, int partitions,
      Duration pollInterval, List<Listener> listeners) {
    this.jdbcUrl = jdbcUrl;
    this.partitions = partitions;
    this.queries = queries;
    this.pollInterval = pollInterval;
    this.listeners = List.copyOf(listeners);
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", APPLICATION_NAME);
    p.setProperty("connectTimeout", "2");
    // A round is one short statement; a server that stops answering is an outage after this, not a hang.
    p.setProperty("socketTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    this.connectionProperties = p;
    this.thread = Thread.ofPlatform().daemon().name("read-model-watcher").unstarted(this::run);
  }

  /** Starts watching; the first round runs at once on the watcher's thread. */
  AppliedWatcher start() {
    thread.start();
    return this;
  }

  /** Rounds run so far: statements this watcher sent (besides {@code LISTEN} at each connect). */
  long rounds() {
    return rounds.get();
  }

  /** Notices heard so far. */
  long notices() {
    return notices.get();
  }

  /** Whether the last round succeeded and the connection is up. */
  boolean live() {
    return live;
  }

  private void run() {
    long backoffMs = FIRST_BACKOFF_MS;
    boolean outage = false;
    while (!closed.get()) {
      try {
        if (connection == null) {
          connection = connect();
        }
        round();
        if (outage) {
          outage = false;
          log.info("Read-model watcher reconnected; caught up to the applied positions");
        }
        backoffMs = FIRST_BACKOFF_MS;
        awaitNotice();
      } catch (SQLException | RuntimeException e) {
        if (closed.get()) {
          break;
        }
        live = false;
        closeConnection();
        listeners.forEach(Listener::down);
        if (!outage) {
          outage = true;
          log.warn("Read-model watcher lost Postgres; read-your-writes waits, tag checks and streams wait for it, "
              + "retrying with backoff up to {} ms: {}", MAX_BACKOFF_MS, e.toString());
        }
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
    closeConnection();
  }

  private Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl, connectionProperties);
    try (Statement s = c.createStatement()) {
      s.execute("listen " + ReadModelNotices.CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void round() throws SQLException {
    AppliedRead<List<SkuRow>> read = queries.changesSince(connection, seen == null ? Map.of() : seen);
    rounds.incrementAndGet();
    Map<Integer, PartitionPosition> applied = new HashMap<>();
    Map<Integer, Long> next = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      // A partition with nothing applied yet: any row that appears there later is a change.
      next.put(p, -1L);
    }
    for (PartitionPosition p : read.applied()) {
      applied.put(p.partition(), p);
      next.put(p.partition(), p.appliedOffset());
    }
    seen = next;
    live = true;
    Round round = new Round(applied, read.value(), System.nanoTime());
    for (Listener listener : listeners) {
      listener.round(round);
    }
  }

  /** Until a notice arrives or the poll interval passes; the notices themselves say nothing we need. */
  private void awaitNotice() throws SQLException {
    PGNotification[] heard = connection.unwrap(PGConnection.class)
        .getNotifications((int) Math.max(1, pollInterval.toMillis()));
    if (heard != null) {
      notices.addAndGet(heard.length);
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the watcher's connection: {}", e.toString());
      }
      connection = null;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the thread and closes its connection; idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
