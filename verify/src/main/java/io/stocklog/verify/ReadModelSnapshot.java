package io.stocklog.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One consistent view of a read model: its {@code applied_position}, {@code sku_stock}, {@code reservation} and
 * {@code orders} rows, all read in a single {@code REPEATABLE READ} read-only transaction, so the rows are exactly those the
 * positions describe (the sink advances positions and rows in one transaction).
 *
 * @param appliedOffsets the last applied offset per events partition, as stored (-1: nothing applied yet);
 *     partitions without a row are absent
 */
public record ReadModelSnapshot(String schema, Map<Integer, Long> appliedOffsets, Map<String, StockEntry> stock,
                                Map<ReservationEntry.Key, ReservationEntry> reservations,
                                Map<String, OrderEntry> orders) {

  /** A Postgres schema name the read model may live in: lower case, unquoted-identifier style. */
  public static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public ReadModelSnapshot {
    validSchema(schema);
    appliedOffsets = Collections.unmodifiableMap(new TreeMap<>(appliedOffsets));
    stock = Collections.unmodifiableMap(stock);
    reservations = Collections.unmodifiableMap(reservations);
    orders = Collections.unmodifiableMap(orders);
  }

  /** A read model without orders (one from before they were kept). */
  public ReadModelSnapshot(String schema, Map<Integer, Long> appliedOffsets, Map<String, StockEntry> stock,
      Map<ReservationEntry.Key, ReservationEntry> reservations) {
    this(schema, appliedOffsets, stock, reservations, Map.of());
  }

  /**
   * Reads the read model in {@code schema} of {@code dataSource}.
   *
   * @throws IllegalArgumentException if {@code schema} is not a valid name
   * @throws IllegalStateException if the database cannot be read (down, no such tables)
   */
  public static ReadModelSnapshot read(DataSource dataSource, String schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    String s = validSchema(schema);
    // The schema name is the only text put into SQL: checked above, and quoted. Everything else is bound.
    String table = "\"" + s + "\".";
    String positionsSql = "select events_partition, applied_offset from " + table + "applied_position";
    String stockSql = "select sku, on_hand, reserved, available, position_partition, position_offset, updated_at from "
        + table + "sku_stock";
    String reservationsSql = "select sku, order_id, quantity, status, reject_reason, expires_at, position_partition, "
        + "position_offset from " + table + "reservation";
    String ordersSql = "select order_id, status, reject_reason, expires_at, lines::text, position_partition, "
        + "position_offset, updated_at from " + table + "orders";
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      boolean readOnly = c.isReadOnly();
      try {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        Map<Integer, Long> positions = new TreeMap<>();
        Map<String, StockEntry> stock = new HashMap<>();
        Map<ReservationEntry.Key, ReservationEntry> reservations = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(positionsSql); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            positions.put(rs.getInt(1), rs.getLong(2));
          }
        }
        try (PreparedStatement ps = c.prepareStatement(stockSql)) {
          ps.setFetchSize(10_000);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              StockEntry row = new StockEntry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                  position(rs.getInt(5), rs.getLong(6)), instant(rs, 7));
              stock.put(row.sku(), row);
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement(reservationsSql)) {
          ps.setFetchSize(10_000);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ReservationEntry row = new ReservationEntry(rs.getString(1), rs.getString(2), rs.getLong(3),
                  rs.getString(4), rs.getString(5), instant(rs, 6), position(rs.getInt(7), rs.getLong(8)));
              reservations.put(row.key(), row);
            }
          }
        }
        Map<String, OrderEntry> orders = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ordersSql)) {
          ps.setFetchSize(10_000);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              OrderEntry row = new OrderEntry(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                  json(rs.getString(5)), position(rs.getInt(6), rs.getLong(7)), instant(rs, 8));
              orders.put(row.orderId(), row);
            }
          }
        }
        c.commit();
        return new ReadModelSnapshot(s, positions, stock, reservations, orders);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        // A pooled connection goes back as it came.
        c.setReadOnly(readOnly);
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the read model in schema " + s + ": " + e.getMessage(), e);
    }
  }

  static String validSchema(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema must be 1 to 63 of [a-z0-9_], not starting with a digit (was "
          + (schema == null ? "null" : "'" + schema + "'") + ")");
    }
    return schema;
  }

  /** The table's checks keep positions non-negative; a broken read model may not: null, reported as a difference. */
  private static Position position(int partition, long offset) {
    return partition >= 0 && offset >= 0 ? new Position(partition, offset) : null;
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an orders row's lines are not JSON: " + text, e);
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
