package io.stocklog.readmodel;

import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the read model. Each call borrows a connection for one statement and gives it back, so nothing
 * holds a connection while a caller waits; a read returns its rows together with the applied positions of the
 * partitions it reflects, from the same statement and so the same snapshot. A database that does not answer becomes
 * {@link ReadModelUnavailableException}.
 */
public final class ReadModelQueries {

  /**
   * The statements for one schema. The schema is validated against a strict identifier pattern before it
   * is put into SQL (an identifier cannot be a bound parameter); every value is bound.
   */
  private record Statements(String schema, String sku, String skus, String reservation, String order,
      String position, String positions, String changes) {

    static Statements of(String schema) {
      if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_] (was '" + schema + "')");
      }
      String q = '"' + schema + '"';
      return new Statements(schema,
          // The row and its partition's applied position in one statement, so one snapshot: the row is
          // exactly as new as the position reported with it. The outer joins keep the position when the
          // SKU has no row, and the row when the partition has none.
          """
          select s.sku, s.on_hand, s.reserved, s.available, s.position_partition, s.position_offset, s.updated_at,
                 a.events_partition, a.applied_offset, a.checked_at, %s as age_ms
            from (select 1) as one
            left join %s.sku_stock s on s.sku = ?
            left join %s.applied_position a on a.events_partition = ?
          """.formatted(AGE, q, q),
          // Rows ('s') and applied positions ('p') in one statement, one snapshot.
          """
          select 's' as kind, sku, on_hand, reserved, available, position_partition, position_offset, updated_at,
                 null::bigint as age_ms
            from %s.sku_stock
           where sku = any (?)
          union all
          select 'p', null, null, null, null, events_partition, applied_offset, checked_at, %s
            from %s.applied_position a
           where events_partition = any (?)
          """.formatted(q, AGE, q),
          """
          select r.sku, r.order_id, r.quantity, r.status, r.reject_reason, r.expires_at, r.position_partition,
                 r.position_offset, r.updated_at,
                 a.events_partition, a.applied_offset, a.checked_at, %s as age_ms
            from (select 1) as one
            left join %s.reservation r on r.sku = ? and r.order_id = ?
            left join %s.applied_position a on a.events_partition = ?
          """.formatted(AGE, q, q),
          """
          select o.order_id, o.status, o.reject_reason, o.expires_at, o.lines::text as lines, o.position_partition,
                 o.position_offset, o.updated_at,
                 a.events_partition, a.applied_offset, a.checked_at, %s as age_ms
            from (select 1) as one
            left join %s.orders o on o.order_id = ?
            left join %s.applied_position a on a.events_partition = ?
          """.formatted(AGE, q, q),
          """
          select events_partition, applied_offset, checked_at, %s as age_ms
            from %s.applied_position a
           where events_partition = ?
          """.formatted(AGE, q),
          """
          select events_partition, applied_offset, checked_at, %s as age_ms
            from %s.applied_position a
           order by events_partition
          """.formatted(AGE, q),
          // Every partition's applied position ('p'), and the SKU rows that moved past the offsets a watcher
          // had seen ('s', found by the index on position), in one snapshot: a row newer than its partition's
          // position cannot be seen, since the sink writes both in one transaction.
          """
          select 'p' as kind, null as sku, null::bigint as on_hand, null::bigint as reserved,
                 null::bigint as available, events_partition as position_partition,
                 applied_offset as position_offset, checked_at as updated_at, %s as age_ms
            from %s.applied_position a
          union all
          select 's', s.sku, s.on_hand, s.reserved, s.available, s.position_partition, s.position_offset,
                 s.updated_at, null
            from unnest(?::int[], ?::bigint[]) as k(p, o)
            join %s.sku_stock s on s.position_partition = k.p and s.position_offset > k.o
          """.formatted(AGE, q, q));
    }
  }

  /** The age of an applied position by the database's clock, so a skewed client clock cannot make it look fresher. */
  private static final String AGE =
      "greatest(0, (extract(epoch from clock_timestamp() - a.checked_at) * 1000)::bigint)";

  private static final String PING = "select 1";

  private final DataSource dataSource;
  /** Swapped whole by {@link #useSchema}, so one statement never mixes two schemas. */
  private volatile Statements sql;

  /** Reads the read model in schema {@value ReadModelSchema#DEFAULT_SCHEMA}. */
  public ReadModelQueries(DataSource dataSource) {
    this(dataSource, ReadModelSchema.DEFAULT_SCHEMA);
  }

  public ReadModelQueries(DataSource dataSource, String schema) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.sql = Statements.of(schema);
  }

  /**
   * Reads schema {@code schema} from the next statement on: how the query service follows a switch of the
   * served projection without a restart. Statements already running finish on the old one.
   */
  public void useSchema(String schema) {
    if (!schema.equals(sql.schema())) {
      sql = Statements.of(schema);
    }
  }

  /** The schema read now. */
  public String schema() {
    return sql.schema();
  }

  /** The SKU's row, if any (for callers that need no position). */
  public Optional<SkuRow> sku(String sku) {
    return sku(sku, 0).value();
  }

  /** The rows found among {@code skus}, ordered by SKU (for callers that need no position). */
  public List<SkuRow> skus(Collection<String> skus) {
    return skus(skus, List.of()).value();
  }

  /** The reservation, if any (for callers that need no position). */
  public Optional<ReservationRow> reservation(String sku, String orderId) {
    return reservation(sku, orderId, 0).value();
  }

  /** The SKU's row, if any, and events partition {@code partition}'s applied position, in one statement. */
  public AppliedRead<Optional<SkuRow>> sku(String sku, int partition) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.sku())) {
      s.setString(1, sku);
      s.setInt(2, partition);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        Optional<SkuRow> row = rs.getString("sku") == null ? Optional.empty() : Optional.of(skuRow(rs));
        return new AppliedRead<>(row, appliedOf(rs));
      }
    } catch (SQLException e) {
      throw unavailable("reading sku_stock", e);
    }
  }

  /**
   * The rows found among {@code skus}, ordered by SKU (absent SKUs are simply not in the list), and the applied
   * positions of {@code partitions}, in one statement.
   */
  public AppliedRead<List<SkuRow>> skus(Collection<String> skus, Collection<Integer> partitions) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.skus())) {
      s.setArray(1, c.createArrayOf("text", skus.toArray(String[]::new)));
      s.setArray(2, c.createArrayOf("int", partitions.toArray(Integer[]::new)));
      List<SkuRow> rows = new ArrayList<>(skus.size());
      List<PartitionPosition> applied = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (rs.getString("kind").equals("s")) {
            rows.add(skuRow(rs));
          } else {
            applied.add(kindPosition(rs));
          }
        }
      }
      rows.sort(Comparator.comparing(SkuRow::sku));
      applied.sort(Comparator.comparingInt(PartitionPosition::partition));
      return new AppliedRead<>(rows, applied);
    } catch (SQLException e) {
      throw unavailable("reading sku_stock", e);
    }
  }

  /** The reservation, if any, and events partition {@code partition}'s applied position, in one statement. */
  public AppliedRead<Optional<ReservationRow>> reservation(String sku, String orderId, int partition) {
    return rowAndApplied(sql.reservation(), "reservation", "sku", s -> {
      s.setString(1, sku);
      s.setString(2, orderId);
      s.setInt(3, partition);
    }, rs -> new ReservationRow(
        rs.getString("sku"),
        rs.getString("order_id"),
        rs.getLong("quantity"),
        ReservationStatus.valueOf(rs.getString("status")),
        reason(rs),
        instant(rs.getTimestamp("expires_at")),
        rowPosition(rs),
        instant(rs.getTimestamp("updated_at"))));
  }

  /** The order, if any (for callers that need no position). */
  public Optional<OrderRow> order(String orderId) {
    return order(orderId, 0).value();
  }

  /**
   * The order, if any, and events partition {@code partition}'s applied position (the order's partition, where its
   * outcomes are), in one statement.
   */
  public AppliedRead<Optional<OrderRow>> order(String orderId, int partition) {
    return rowAndApplied(sql.order(), "order", "order_id", s -> {
      s.setString(1, orderId);
      s.setInt(2, partition);
    }, rs -> new OrderRow(
        rs.getString("order_id"),
        OrderStatus.valueOf(rs.getString("status")),
        reason(rs),
        instant(rs.getTimestamp("expires_at")),
        OrderLinesJson.read(rs.getString("lines")),
        rowPosition(rs),
        instant(rs.getTimestamp("updated_at"))));
  }

  /** Binds a statement's parameters. */
  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  /** Reads a row of the current result. */
  private interface RowReader<R> {
    R read(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code query}, whose one result row is a left join of the row asked for (its {@code keyColumn} null when
   * there is none) onto the applied position of a partition, and reads both.
   */
  private <R> AppliedRead<Optional<R>> rowAndApplied(String query, String what, String keyColumn, Binder binder,
      RowReader<R> reader) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
      binder.bind(s);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        Optional<R> row = rs.getString(keyColumn) == null ? Optional.empty() : Optional.of(reader.read(rs));
        return new AppliedRead<>(row, appliedOf(rs));
      }
    } catch (SQLException e) {
      throw unavailable("reading " + what, e);
    }
  }

  private static Reason reason(ResultSet rs) throws SQLException {
    String reason = rs.getString("reject_reason");
    return reason == null ? null : Reason.valueOf(reason);
  }

  private static Position rowPosition(ResultSet rs) throws SQLException {
    return new Position(rs.getInt("position_partition"), rs.getLong("position_offset"));
  }

  /**
   * On {@code c} (a watcher's own connection, not one of the pool's): every partition's applied position, and
   * the SKU rows of the partitions in {@code seen} whose position is past the offset seen there, in one
   * statement. A partition not in {@code seen} contributes its position and no rows.
   */
  public AppliedRead<List<SkuRow>> changesSince(Connection c, Map<Integer, Long> seen) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.changes())) {
      s.setArray(1, c.createArrayOf("int", seen.keySet().toArray(Integer[]::new)));
      s.setArray(2, c.createArrayOf("bigint", seen.values().toArray(Long[]::new)));
      List<SkuRow> rows = new ArrayList<>();
      List<PartitionPosition> applied = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (rs.getString("kind").equals("s")) {
            rows.add(skuRow(rs));
          } else {
            applied.add(kindPosition(rs));
          }
        }
      }
      return new AppliedRead<>(rows, applied);
    }
  }

  /** How far the read model has applied events partition {@code partition}; empty if never touched. */
  public Optional<PartitionPosition> appliedPosition(int partition) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.position())) {
      s.setInt(1, partition);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(position(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable("reading applied_position", e);
    }
  }

  /** Every partition the sink has touched, by partition number. */
  public List<PartitionPosition> appliedPositions() {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.positions());
         ResultSet rs = s.executeQuery()) {
      List<PartitionPosition> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(position(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw unavailable("reading applied_position", e);
    }
  }

  /** Whether the database answers a trivial query within {@code timeoutSeconds}. */
  public void ping(int timeoutSeconds) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(PING)) {
      s.setQueryTimeout(timeoutSeconds);
      s.executeQuery().close();
    } catch (SQLException e) {
      throw unavailable("pinging the read model", e);
    }
  }

  private static SkuRow skuRow(ResultSet rs) throws SQLException {
    return new SkuRow(
        rs.getString("sku"),
        rs.getLong("on_hand"),
        rs.getLong("reserved"),
        rs.getLong("available"),
        rowPosition(rs),
        instant(rs.getTimestamp("updated_at")));
  }

  /** The applied position joined to a row; empty when the partition has none. */
  private static List<PartitionPosition> appliedOf(ResultSet rs) throws SQLException {
    int partition = rs.getInt("events_partition");
    return rs.wasNull() ? List.of() : List.of(position(rs));
  }

  /** A position given in the row columns of a union ('p' rows). */
  private static PartitionPosition kindPosition(ResultSet rs) throws SQLException {
    return new PartitionPosition(rs.getInt("position_partition"), rs.getLong("position_offset"),
        instant(rs.getTimestamp("updated_at")), rs.getLong("age_ms"));
  }

  private static PartitionPosition position(ResultSet rs) throws SQLException {
    return new PartitionPosition(rs.getInt("events_partition"), rs.getLong("applied_offset"),
        instant(rs.getTimestamp("checked_at")), rs.getLong("age_ms"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static ReadModelUnavailableException unavailable(String what, SQLException e) {
    return new ReadModelUnavailableException("read model database unavailable while " + what, e);
  }
}
