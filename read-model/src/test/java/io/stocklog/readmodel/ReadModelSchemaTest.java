package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
}
