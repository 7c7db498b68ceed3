package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.T0;
import static io.stocklog.readmodel.TestOutcomes.received;
import static io.stocklog.readmodel.TestOutcomes.rejected;
import static io.stocklog.readmodel.TestOutcomes.reservation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link ReadModelWriter#copyInto} against a real Postgres: the same rows as the upserts of every outcome in turn,
 * and the schema left as the migrations made it, though its indexes were dropped and made again around the COPY.
 */
@WithInfra
class CopyIntoTest {

  private static final Instant DEADLINE = T0.plusSeconds(600);
  /** A SKU with a backslash and characters beyond ASCII, which must arrive as they are. */
  private static final String ODD_SKU = "sku-\u00e9\\t\u00df";
  /** Characters no real ID has, which COPY's text format would have to escape. */
  private static final String ODD_ORDER = "o-4\t\r\n\\N";

  /** The current schema's indexes, their definitions without the schema's name, and whether each is usable. */
  private static final String INDEXES = """
      select i.tablename || ' ' || i.indexname || ' ' || replace(i.indexdef, i.schemaname || '.', '')
             || ' valid=' || x.indisvalid
        from pg_indexes i join pg_index x on x.indexrelid = (i.schemaname || '.' || i.indexname)::regclass
       where i.schemaname = current_schema() order by 1""";
  private static final String CONSTRAINTS = """
      select t.relname || ' ' || k.conname || ' ' || k.contype::text || ' ' || pg_get_constraintdef(k.oid)
        from pg_constraint k join pg_class t on t.oid = k.conrelid
       where t.relnamespace = current_schema()::regnamespace order by 1""";

  private static TestDatabase db;

  @BeforeAll
  static void database(TestDatabase database) {
    db = database;
  }

  private static DataSource schema(String schema) {
    ReadModelSchema.migrate(db.dataSource(), schema);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    ds.setCurrentSchema(schema);
    return ds;
  }

  /**
   * One of every kind of row: nulls, rejections, a deadline kept, odd text, times days apart and with nanoseconds
   * that Postgres rounds (half a microsecond included).
   */
  private static final List<Outcome> OUTCOMES = List.of(
      received("a", 10, 10, 0, 0, 1),
      received(ODD_SKU, 5, 5, 0, 1, 1),
      reservation("a", "o-1", Decision.HELD, 3, 10, 3, DEADLINE.plusNanos(123_456_789), 0, 2),
      reservation("a", "o-2", Decision.HELD, 2, 10, 5, DEADLINE.plusSeconds(86_400 * 40), 0, 3),
      reservation("a", "o-1", Decision.CONFIRMED, 3, 7, 2, DEADLINE, 0, 4),
      new Outcome("l-5", "OrderLinePrepared", "a", "o-2", Decision.PREPARED, null, 2, 7, 2, null, false,
          T0.plusSeconds(5).plusNanos(999_999_999), new Position(0, 5).token()),
      rejected(ODD_SKU, "o-3", "ReservationRequested", Reason.OUT_OF_STOCK, 9, 5, 0, 1, 6),
      reservation(ODD_SKU, ODD_ORDER, Decision.HELD, 1, 5, 1, DEADLINE, 1, 7),
      reservation(ODD_SKU, ODD_ORDER, Decision.EXPIRED, 1, 5, 0, DEADLINE, 1, 8));

  private static final List<OrderOutcome> ORDERS = List.of(
      new OrderOutcome("e-o-9", "OrderPlaced", "o-9", Decision.PENDING, null, OrderStatus.PENDING, null,
          List.of(new OrderOutcome.Line("a", 1, null, null, null)), false, T0.plusSeconds(9).plusNanos(1_500),
          new Position(0, 9).token()),
      new OrderOutcome("e-o-10", "OrderLineDecided", "o-10", Decision.REJECTED, Reason.OUT_OF_STOCK,
          OrderStatus.REJECTED, null, List.of(new OrderOutcome.Line("a", 1, ReservationStatus.CANCELLED, null, null),
          new OrderOutcome.Line(ODD_SKU + "\t\n\"", 9, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 4L)), false,
          T0.plusSeconds(10), new Position(1, 10).token()),
      new OrderOutcome("e-o-11", "OrderLineDecided", "o-11", Decision.HELD, null, OrderStatus.HELD, DEADLINE,
          List.of(new OrderOutcome.Line("a", 2, ReservationStatus.HELD, null, null)), false,
          T0.plusSeconds(11).plusNanos(2_500),
          new Position(0, 11).token()));

  @Test
  void copyWritesTheRowsAndPositionsTheUpsertsWrite() throws SQLException {
    DataSource upserted = schema("copy_upserted");
    DataSource copied = schema("copy_copied");
    new ReadModelWriter(upserted).apply(OUTCOMES, ORDERS);
    OutcomeRows rows = new OutcomeRows();
    OUTCOMES.forEach(rows::add);
    ORDERS.forEach(rows::add);

    new ReadModelWriter(copied).copyInto(rows);

    for (String table : List.of("sku_stock", "reservation", "orders")) {
      assertThat(contents(copied, "select t::text from " + table + " t order by 1"))
          .as(table)
          .hasSize(table.equals("orders") ? 3 : table.equals("sku_stock") ? 2 : 4)
          .isEqualTo(contents(upserted, "select t::text from " + table + " t order by 1"));
    }
    String positions = "select events_partition || ':' || applied_offset from applied_position order by 1";
    assertThat(contents(copied, positions)).containsExactly("0:11", "1:10").isEqualTo(contents(upserted, positions));
    assertThat(new ReadModelQueries(copied, "copy_copied").reservation("a", "o-2").orElseThrow().expiresAt())
        .isEqualTo(DEADLINE.plusSeconds(86_400 * 40));
    assertThat(new ReadModelQueries(copied, "copy_copied").sku(ODD_SKU)).isPresent();
  }

  @Test
  void copyLeavesTheIndexesAndConstraintsTheMigrationsMade() throws SQLException {
    DataSource fresh = schema("copy_fresh");
    DataSource copied = schema("copy_indexed");
    OutcomeRows rows = new OutcomeRows();
    OUTCOMES.forEach(rows::add);
    ORDERS.forEach(rows::add);

    new ReadModelWriter(copied).copyInto(rows);

    assertThat(contents(copied, INDEXES))
        .contains("reservation reservation_by_order CREATE INDEX reservation_by_order ON reservation USING btree "
            + "(order_id) valid=true")
        .contains("reservation reservation_pkey CREATE UNIQUE INDEX reservation_pkey ON reservation USING btree "
            + "(sku, order_id) valid=true")
        .isEqualTo(contents(fresh, INDEXES));
    assertThat(contents(copied, CONSTRAINTS))
        .contains("reservation reservation_pkey p PRIMARY KEY (sku, order_id)")
        .isEqualTo(contents(fresh, CONSTRAINTS));
  }

  @Test
  void aCopyThatFailsLeavesTheSchemaAsMigratedAndEmpty() throws SQLException {
    DataSource fresh = schema("copy_fresh_too");
    DataSource failed = schema("copy_failed");
    OutcomeRows bad = new OutcomeRows();
    OUTCOMES.forEach(bad::add);
    bad.add(received("z", 1, 1, 5, 0, 20)); // more reserved than on hand: a check constraint refuses it
    ReadModelWriter writer = new ReadModelWriter(failed);

    assertThatThrownBy(() -> writer.copyInto(bad)).isInstanceOf(SQLException.class)
        .hasMessageContaining("sku_stock_reserved_within_on_hand");

    assertThat(contents(failed, INDEXES)).isNotEmpty().isEqualTo(contents(fresh, INDEXES));
    assertThat(contents(failed, "select sku from sku_stock union all select order_id from reservation")).isEmpty();
    OutcomeRows good = new OutcomeRows();
    OUTCOMES.forEach(good::add);
    writer.copyInto(good);
    assertThat(contents(failed, "select sku from sku_stock order by 1")).containsExactly("a", ODD_SKU);
  }

  @Test
  void copyRefusesAReadModelThatHasRowsAndLeavesThem() throws SQLException {
    DataSource used = schema("copy_used");
    ReadModelWriter writer = new ReadModelWriter(used);
    writer.apply(List.of(received("a", 10, 10, 0, 0, 1)));
    OutcomeRows rows = new OutcomeRows();
    rows.add(received("b", 1, 1, 0, 0, 2));

    assertThatThrownBy(() -> writer.copyInto(rows))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("copy_used has rows");
    assertThat(contents(used, "select sku from sku_stock")).containsExactly("a");
  }

  private static List<String> contents(DataSource ds, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql);
         ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
