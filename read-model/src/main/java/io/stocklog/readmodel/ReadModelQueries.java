package io.stocklog.readmodel;

import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the read model. Each call borrows a connection for one statement and gives it back, so nothing
 * holds a connection while a caller waits. A database that does not answer becomes
 * {@link ReadModelUnavailableException}.
 */
public final class ReadModelQueries {

  /**
   * The statements for one schema. The schema is validated against a strict identifier pattern before it
   * is put into SQL (an identifier cannot be a bound parameter); every value is bound.
   */
  private record Statements(String schema, String sku, String skus, String reservation, String position,
      String positions) {

    static Statements of(String schema) {
      if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_] (was '" + schema + "')");
      }
      String q = '"' + schema + '"';
      return new Statements(schema,
          """
          select sku, on_hand, reserved, available, position_partition, position_offset, updated_at
            from %s.sku_stock
           where sku = ?
          """.formatted(q),
          """
          select sku, on_hand, reserved, available, position_partition, position_offset, updated_at
            from %s.sku_stock
           where sku = any (?)
           order by sku
          """.formatted(q),
          """
          select sku, order_id, quantity, status, reject_reason, expires_at, position_partition, position_offset,
                 updated_at
            from %s.reservation
           where sku = ? and order_id = ?
          """.formatted(q),
          // The age by the database's clock, so a skewed client clock cannot make the model look fresher.
          """
          select events_partition, applied_offset, checked_at,
                 greatest(0, (extract(epoch from clock_timestamp() - checked_at) * 1000)::bigint) as age_ms
            from %s.applied_position
           where events_partition = ?
          """.formatted(q),
          """
          select events_partition, applied_offset, checked_at,
                 greatest(0, (extract(epoch from clock_timestamp() - checked_at) * 1000)::bigint) as age_ms
            from %s.applied_position
           order by events_partition
          """.formatted(q));
    }
  }

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

  public Optional<SkuRow> sku(String sku) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.sku())) {
      s.setString(1, sku);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(skuRow(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable("reading sku_stock", e);
    }
  }

  /** The rows found among {@code skus}, ordered by SKU; absent SKUs are simply not in the list. */
  public List<SkuRow> skus(Collection<String> skus) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.skus())) {
      Array ids = c.createArrayOf("text", skus.toArray(String[]::new));
      s.setArray(1, ids);
      List<SkuRow> rows = new ArrayList<>(skus.size());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(skuRow(rs));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw unavailable("reading sku_stock", e);
    }
  }

  public Optional<ReservationRow> reservation(String sku, String orderId) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.reservation())) {
      s.setString(1, sku);
      s.setString(2, orderId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String reason = rs.getString("reject_reason");
        return Optional.of(new ReservationRow(
            rs.getString("sku"),
            rs.getString("order_id"),
            rs.getLong("quantity"),
            ReservationStatus.valueOf(rs.getString("status")),
            reason == null ? null : Reason.valueOf(reason),
            instant(rs.getTimestamp("expires_at")),
            new Position(rs.getInt("position_partition"), rs.getLong("position_offset")),
            instant(rs.getTimestamp("updated_at"))));
      }
    } catch (SQLException e) {
      throw unavailable("reading reservation", e);
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
        new Position(rs.getInt("position_partition"), rs.getLong("position_offset")),
        instant(rs.getTimestamp("updated_at")));
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
