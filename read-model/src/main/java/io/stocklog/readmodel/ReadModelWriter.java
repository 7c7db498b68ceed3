package io.stocklog.readmodel;

import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.readmodel.OutcomeRows.Placed;
import io.stocklog.readmodel.OutcomeRows.PlacedOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes outcomes into the read model's tables: one transaction per batch, one upsert statement per table (stock,
 * reservations, orders), the rows and positions decided by {@link OutcomeRows} (the rules, without a database).
 *
 * <p>Every row keeps the position of the event that last changed it, and an upsert only wins when its
 * position is not older ({@code (partition, offset) >=}), so applying a batch again, or any older
 * outcomes, leaves the rows as they were: redelivery and replays converge. Equal positions are allowed
 * through because several outcomes share one (the expiries an event triggered, then its own decision)
 * and arrive in that order; Kafka only ever redelivers a suffix of a partition, so the last one still
 * lands last. Within a batch only the newest outcome per row is written (each outcome carries the whole
 * row, so the older ones add nothing), which also keeps one statement from touching a row twice.
 */
public final class ReadModelWriter {

  private static final String UPSERT_STOCK = """
      insert into sku_stock as s
             (sku, on_hand, reserved, available, position_partition, position_offset, updated_at)
      select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::bigint[],
                           ?::text[]::timestamptz[])
      on conflict (sku) do update
         set on_hand = excluded.on_hand,
             reserved = excluded.reserved,
             available = excluded.available,
             position_partition = excluded.position_partition,
             position_offset = excluded.position_offset,
             updated_at = excluded.updated_at
       where (excluded.position_partition, excluded.position_offset) >= (s.position_partition, s.position_offset)
      """;

  private static final String UPSERT_RESERVATION = """
      insert into reservation as r
             (sku, order_id, quantity, status, reject_reason, expires_at, position_partition, position_offset,
              updated_at)
      select * from unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[]::timestamptz[],
                           ?::int[], ?::bigint[], ?::text[]::timestamptz[])
      on conflict (sku, order_id) do update
         set quantity = excluded.quantity,
             status = excluded.status,
             reject_reason = excluded.reject_reason,
             expires_at = coalesce(excluded.expires_at, r.expires_at),
             position_partition = excluded.position_partition,
             position_offset = excluded.position_offset,
             updated_at = excluded.updated_at
       where (excluded.position_partition, excluded.position_offset) >= (r.position_partition, r.position_offset)
      """;

  private static final String UPSERT_ORDER = """
      insert into orders as o
             (order_id, status, reject_reason, expires_at, lines, position_partition, position_offset, updated_at)
      select * from unnest(?::text[], ?::text[], ?::text[], ?::text[]::timestamptz[], ?::text[]::jsonb[], ?::int[],
                           ?::bigint[], ?::text[]::timestamptz[])
      on conflict (order_id) do update
         set status = excluded.status,
             reject_reason = excluded.reject_reason,
             expires_at = excluded.expires_at,
             lines = excluded.lines,
             position_partition = excluded.position_partition,
             position_offset = excluded.position_offset,
             updated_at = excluded.updated_at
       where (excluded.position_partition, excluded.position_offset) >= (o.position_partition, o.position_offset)
      """;

  private static final String ADVANCE_POSITION = """
      insert into applied_position as a (events_partition, applied_offset, checked_at)
      select p, o, clock_timestamp() from unnest(?::int[], ?::bigint[]) as t(p, o)
      on conflict (events_partition) do update
         set applied_offset = greatest(a.applied_offset, excluded.applied_offset),
             checked_at = excluded.checked_at
      """;

  private static final String TOUCH_POSITION = """
      insert into applied_position as a (events_partition, applied_offset, checked_at)
      select p, -1, clock_timestamp() from unnest(?::int[]) as t(p)
      on conflict (events_partition) do update
         set checked_at = excluded.checked_at
      """;

  /**
   * Sent in the transaction of every applied batch, so listeners hear it exactly when the batch is visible
   * (Postgres delivers a notification at commit, and never for a transaction that rolled back); the payload
   * is the schema written, so a listener can tell projections apart.
   */
  private static final String NOTIFY_APPLIED = "select pg_notify('" + ReadModelNotices.CHANNEL + "', current_schema())";

  private final DataSource dataSource;

  public ReadModelWriter(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Applies {@code outcomes} (in log order) and advances {@code applied_position} of every events
   * partition they came from, all in one transaction, which also notifies {@link ReadModelNotices#CHANNEL}.
   * Outcomes must carry a position.
   *
   * @return the highest events offset applied per events partition
   */
  public Map<Integer, Long> apply(List<Outcome> outcomes) throws SQLException {
    return apply(outcomes, List.of());
  }

  /**
   * As {@link #apply(List)}, with the orders' outcomes of the same records ({@code orders}, in log order) in the
   * same transaction. At one position an event's order outcomes come after its SKU outcomes, as the fold makes
   * them.
   */
  public Map<Integer, Long> apply(List<Outcome> outcomes, List<OrderOutcome> orders) throws SQLException {
    OutcomeRows rows = new OutcomeRows();
    outcomes.forEach(rows::add);
    orders.forEach(rows::add);
    Collection<Placed> stock = rows.stock();
    Collection<Placed> reservations = rows.reservations();
    Collection<PlacedOrder> orderRows = rows.orders();
    Map<Integer, Long> applied = rows.applied();
    if (applied.isEmpty()) {
      return applied;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        upsertStock(c, stock);
        if (!reservations.isEmpty()) {
          upsertReservations(c, reservations);
        }
        if (!orderRows.isEmpty()) {
          upsertOrders(c, orderRows);
        }
        try (PreparedStatement s = c.prepareStatement(ADVANCE_POSITION)) {
          s.setArray(1, c.createArrayOf("int", applied.keySet().toArray(Integer[]::new)));
          s.setArray(2, c.createArrayOf("bigint", applied.values().toArray(Long[]::new)));
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(NOTIFY_APPLIED)) {
          s.execute();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
    return applied;
  }

  /**
   * The read model's tables that {@link #copyInto} fills, with what it drops and makes again around the
   * {@code COPY}: every index, those of primary keys included, as {@code (drop, create)} statements in the
   * definitions the migrations gave them (read back from the catalog, so a migration that adds an index needs no
   * change here).
   */
  private static final String INDEXES_TO_REBUILD = """
      select format('alter table %1$I.%2$I drop constraint %3$I', n.nspname, t.relname, k.conname),
             format('alter table %1$I.%2$I add constraint %3$I %4$s', n.nspname, t.relname, k.conname,
                    pg_get_constraintdef(k.oid))
        from pg_constraint k
        join pg_class t on t.oid = k.conrelid
        join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = current_schema() and t.relname = any(?) and k.contype in ('p', 'u')
      union all
      select format('drop index %I.%I', n.nspname, x.relname), pg_get_indexdef(i.indexrelid)
        from pg_index i
        join pg_class x on x.oid = i.indexrelid
        join pg_class t on t.oid = i.indrelid
        join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = current_schema() and t.relname = any(?)
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      """;

  private static final String[] COPIED_TABLES = {"sku_stock", "reservation", "orders"};

  /**
   * Writes {@code rows} into a read model that is still empty (a rebuild's fresh schema, which nothing reads yet)
   * with {@code COPY}, the fastest way into Postgres, all in one transaction with the applied positions; the
   * connections of this writer's data source must resolve the tables in that schema.
   *
   * <p>In that transaction the tables' indexes are dropped first and made again after the rows are in: building
   * an index from all rows sorts once, where keeping it up to date inserts into a B-tree row by row, in random
   * order for the keys here. The tables are truncated (they are empty) so that {@code COPY ... FREEZE} may write
   * the rows already frozen and visible to all, sparing the first reads and the first vacuum a write of every
   * page. The commit does not wait for the WAL flush: a crash before it reaches the disk leaves the schema
   * without these rows, as a failure would, and a rebuild is done again from the start.
   *
   * @throws IllegalStateException if a table already has rows (this is not for a read model in use)
   */
  public void copyInto(OutcomeRows rows) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      requireEmpty(c);
      c.setAutoCommit(false);
      try {
        List<String[]> indexes = indexesToRebuild(c);
        try (Statement s = c.createStatement()) {
          s.execute("set local synchronous_commit = off");
          for (String[] index : indexes) {
            s.execute(index[0]);
          }
          s.execute("truncate sku_stock, reservation, orders");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        CopyRows.copy(copy, "copy sku_stock (sku, on_hand, reserved, available, position_partition, position_offset, "
            + "updated_at) from stdin with (format binary, freeze)", t -> {
          for (Placed p : rows.stock()) {
            Outcome o = p.outcome();
            t.row(7).text(o.sku()).int8(o.onHand()).int8(o.reserved()).int8(o.available())
                .int4(p.position().partition()).int8(p.position().offset()).time(o.decidedAt());
          }
        });
        CopyRows.copy(copy, "copy reservation (sku, order_id, quantity, status, reject_reason, expires_at, "
            + "position_partition, position_offset, updated_at) from stdin with (format binary, freeze)", t -> {
          for (Placed p : rows.reservations()) {
            Outcome o = p.outcome();
            ReservationStatus st = OutcomeRows.reservationStatus(o);
            t.row(9).text(o.sku()).text(o.subjectId()).int8(o.quantity()).text(st.name())
                .text(st == ReservationStatus.REJECTED ? o.reason().name() : null).time(o.expiresAt())
                .int4(p.position().partition()).int8(p.position().offset()).time(o.decidedAt());
          }
        });
        CopyRows.copy(copy, "copy orders (order_id, status, reject_reason, expires_at, lines, position_partition, "
            + "position_offset, updated_at) from stdin with (format binary, freeze)", t -> {
          for (PlacedOrder p : rows.orders()) {
            OrderOutcome o = p.outcome();
            Reason reason = OutcomeRows.rejectReason(o);
            t.row(8).text(o.orderId()).text(o.status().name()).text(reason == null ? null : reason.name())
                .time(o.expiresAt()).jsonb(OrderLinesJson.write(o.lines())).int4(p.position().partition())
                .int8(p.position().offset()).time(o.decidedAt());
          }
        });
        try (Statement s = c.createStatement()) {
          for (String[] index : indexes) {
            s.execute(index[1]);
          }
        }
        Map<Integer, Long> applied = rows.applied();
        if (!applied.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(ADVANCE_POSITION)) {
            s.setArray(1, c.createArrayOf("int", applied.keySet().toArray(Integer[]::new)));
            s.setArray(2, c.createArrayOf("bigint", applied.values().toArray(Long[]::new)));
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  private static void requireEmpty(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "select exists (select from sku_stock) or exists (select from reservation) or exists (select from orders)")) {
      r.next();
      if (r.getBoolean(1)) {
        throw new IllegalStateException("copyInto is for an empty read model, and the one in schema "
            + c.getSchema() + " has rows");
      }
    }
  }

  /** {@link #INDEXES_TO_REBUILD} of the current schema: {@code (drop, create)}, primary keys first. */
  private static List<String[]> indexesToRebuild(Connection c) throws SQLException {
    List<String[]> indexes = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(INDEXES_TO_REBUILD)) {
      s.setArray(1, c.createArrayOf("text", COPIED_TABLES));
      s.setArray(2, c.createArrayOf("text", COPIED_TABLES));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          indexes.add(new String[] {r.getString(1), r.getString(2)});
        }
      }
    }
    return indexes;
  }

  /**
   * Records that the read model is still current for {@code partitions} (nothing pending in them):
   * refreshes {@code checked_at}, creating the row at offset -1 for a partition never applied.
   */
  public void touch(Collection<Integer> partitions) throws SQLException {
    if (partitions.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TOUCH_POSITION)) {
      c.setAutoCommit(true);
      s.setArray(1, c.createArrayOf("int", partitions.toArray(Integer[]::new)));
      s.executeUpdate();
    }
  }

  private static void upsertStock(Connection c, Collection<Placed> rows) throws SQLException {
    int n = rows.size();
    String[] sku = new String[n];
    Long[] onHand = new Long[n];
    Long[] reserved = new Long[n];
    Long[] available = new Long[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    String[] updatedAt = new String[n];
    int i = 0;
    for (Placed p : rows) {
      Outcome o = p.outcome();
      sku[i] = o.sku();
      onHand[i] = o.onHand();
      reserved[i] = o.reserved();
      available[i] = o.available();
      partition[i] = p.position().partition();
      offset[i] = p.position().offset();
      updatedAt[i] = o.decidedAt().toString();
      i++;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_STOCK)) {
      s.setArray(1, c.createArrayOf("text", sku));
      s.setArray(2, c.createArrayOf("bigint", onHand));
      s.setArray(3, c.createArrayOf("bigint", reserved));
      s.setArray(4, c.createArrayOf("bigint", available));
      s.setArray(5, c.createArrayOf("int", partition));
      s.setArray(6, c.createArrayOf("bigint", offset));
      s.setArray(7, c.createArrayOf("text", updatedAt));
      s.executeUpdate();
    }
  }

  private static void upsertReservations(Connection c, Collection<Placed> rows) throws SQLException {
    int n = rows.size();
    String[] sku = new String[n];
    String[] orderId = new String[n];
    Long[] quantity = new Long[n];
    String[] status = new String[n];
    String[] rejectReason = new String[n];
    String[] expiresAt = new String[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    String[] updatedAt = new String[n];
    int i = 0;
    for (Placed p : rows) {
      Outcome o = p.outcome();
      ReservationStatus st = OutcomeRows.reservationStatus(o);
      sku[i] = o.sku();
      orderId[i] = o.subjectId();
      quantity[i] = o.quantity();
      status[i] = st.name();
      rejectReason[i] = st == ReservationStatus.REJECTED ? o.reason().name() : null;
      expiresAt[i] = text(o.expiresAt());
      partition[i] = p.position().partition();
      offset[i] = p.position().offset();
      updatedAt[i] = o.decidedAt().toString();
      i++;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_RESERVATION)) {
      s.setArray(1, c.createArrayOf("text", sku));
      s.setArray(2, c.createArrayOf("text", orderId));
      s.setArray(3, c.createArrayOf("bigint", quantity));
      s.setArray(4, c.createArrayOf("text", status));
      s.setArray(5, c.createArrayOf("text", rejectReason));
      s.setArray(6, c.createArrayOf("text", expiresAt));
      s.setArray(7, c.createArrayOf("int", partition));
      s.setArray(8, c.createArrayOf("bigint", offset));
      s.setArray(9, c.createArrayOf("text", updatedAt));
      s.executeUpdate();
    }
  }

  private static void upsertOrders(Connection c, Collection<PlacedOrder> rows) throws SQLException {
    int n = rows.size();
    String[] orderId = new String[n];
    String[] status = new String[n];
    String[] rejectReason = new String[n];
    String[] expiresAt = new String[n];
    String[] lines = new String[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    String[] updatedAt = new String[n];
    int i = 0;
    for (PlacedOrder p : rows) {
      OrderOutcome o = p.outcome();
      Reason reason = OutcomeRows.rejectReason(o);
      orderId[i] = o.orderId();
      status[i] = o.status().name();
      rejectReason[i] = reason == null ? null : reason.name();
      expiresAt[i] = text(o.expiresAt());
      lines[i] = OrderLinesJson.write(o.lines());
      partition[i] = p.position().partition();
      offset[i] = p.position().offset();
      updatedAt[i] = o.decidedAt().toString();
      i++;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_ORDER)) {
      s.setArray(1, c.createArrayOf("text", orderId));
      s.setArray(2, c.createArrayOf("text", status));
      s.setArray(3, c.createArrayOf("text", rejectReason));
      s.setArray(4, c.createArrayOf("text", expiresAt));
      s.setArray(5, c.createArrayOf("text", lines));
      s.setArray(6, c.createArrayOf("int", partition));
      s.setArray(7, c.createArrayOf("bigint", offset));
      s.setArray(8, c.createArrayOf("text", updatedAt));
      s.executeUpdate();
    }
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static void rollbackQuietly(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}
