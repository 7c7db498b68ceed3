package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithInfra
class ReadModelSchemaTest {

  @Test
  void migrationsCreateTheThreeTablesAndRunOnce(TestDatabase db) throws SQLException {
    ReadModelSchema.migrate(db.dataSource());
    assertThat(ReadModelSchema.migrate(db.dataSource()).migrationsExecuted).isZero();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      var rs = s.executeQuery("""
          select count(*) from information_schema.tables
           where table_schema = 'public' and table_name in ('sku_stock', 'reservation', 'applied_position')
          """);
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
  }

  @Test
  void constraintsRejectReservedAboveOnHandAndAWrongAvailable(TestDatabase db) throws SQLException {
    ReadModelSchema.migrate(db.dataSource());
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute(
          "insert into sku_stock values ('x', 1, 2, -1, 0, 0, now())")).hasMessageContaining("reserved_within");
      assertThatThrownBy(() -> s.execute(
          "insert into sku_stock values ('x', 5, 2, 4, 0, 0, now())")).hasMessageContaining("available");
      assertThatThrownBy(() -> s.execute(
          "insert into reservation values ('x', 'o', 1, 'HELD', 'OUT_OF_STOCK', null, 0, 0, now())"))
          .hasMessageContaining("reason_only_when_rejected");
    }
  }

  @Test
  void aShadowSchemaCanBeMigratedBesidePublic(TestDatabase db) throws SQLException {
    ReadModelSchema.migrate(db.dataSource(), "rebuild_1");
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      var rs = s.executeQuery(
          "select count(*) from information_schema.tables where table_schema = 'rebuild_1'"
              + " and table_name in ('sku_stock', 'reservation', 'applied_position')");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    assertThatThrownBy(() -> ReadModelSchema.migrate(db.dataSource(), "bad; drop"))
        .hasMessageContaining("schema");
  }

  @Test
  void droppingAShadowSchemaRemovesItWhole(TestDatabase db) throws SQLException {
    ReadModelSchema.migrate(db.dataSource(), "rm_gone");
    assertThat(schemaExists(db, "rm_gone")).isTrue();

    ReadModelSchema.drop(db.dataSource(), "rm_gone");

    assertThat(schemaExists(db, "rm_gone")).isFalse();
    // Nothing to drop is not an error: a drop interrupted after this step can be run again.
    ReadModelSchema.drop(db.dataSource(), "rm_gone");
    assertThatThrownBy(() -> ReadModelSchema.drop(db.dataSource(), "x\" cascade; --"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
  }

  @Test
  void droppingPublicRemovesEveryTableTheMigrationsMadeButNotTheSchemaNorAnythingElseInIt(TestDatabase db)
      throws SQLException {
    ReadModelSchema.migrate(db.dataSource());
    List<String> migrated = tables(db, "public");
    assertThat(migrated).contains("sku_stock", "reservation", "applied_position", "flyway_schema_history");
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("create table public.someone_elses (id int)");
      s.execute("insert into public.someone_elses values (1)");
    }

    try {
      ReadModelSchema.drop(db.dataSource(), ReadModelSchema.DEFAULT_SCHEMA);

      assertThat(schemaExists(db, "public")).isTrue();
      assertThat(tables(db, "public")).as("left after the drop of what the migrations made %s", migrated)
          .containsExactly("someone_elses");
    } finally {
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("drop table public.someone_elses");
      }
    }
    // Dropped with its history, so the read model can be migrated afresh.
    assertThat(ReadModelSchema.migrate(db.dataSource()).migrationsExecuted).isPositive();
  }

  private static boolean schemaExists(TestDatabase db, String schema) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
         var s = c.prepareStatement("select count(*) from information_schema.schemata where schema_name = ?")) {
      s.setString(1, schema);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  private static List<String> tables(TestDatabase db, String schema) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
         var s = c.prepareStatement(
             "select table_name from information_schema.tables where table_schema = ? order by table_name")) {
      s.setString(1, schema);
      List<String> names = new ArrayList<>();
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    }
  }
}
