package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Position;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What the query service's watcher relies on: one notification per committed batch and none for a batch that
 * rolled back; the changes since a set of seen offsets, with every partition's position, in one statement; and
 * a read's row with its partition's position. Partitions are the test's own (40 and up), so tests do not meet.
 */
@WithInfra
class ReadModelNoticesTest {

  private static ReadModelWriter writer;
  private static ReadModelQueries queries;
  private static TestDatabase db;

  @BeforeAll
  static void migrate(TestDatabase database) {
    db = database;
    ReadModelSchema.migrate(db.dataSource());
    writer = new ReadModelWriter(db.dataSource());
    queries = new ReadModelQueries(db.dataSource());
  }

  @Test
  void aCommittedBatchNotifiesOnceWithItsSchemaAndARolledBackOneNotAtAll() throws Exception {
    try (Connection listener = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      try (Statement s = listener.createStatement()) {
        s.execute("listen " + ReadModelNotices.CHANNEL);
      }
      writer.apply(List.of(received("n-1", 5, 5, 0, 40, 1), received("n-2", 5, 5, 0, 41, 1)));
      assertThatThrownBy(() -> writer.apply(List.of(received("n-3", 1, 1, 9, 40, 2))))
          .as("reserved over onHand breaks a constraint: the batch rolls back").isInstanceOf(SQLException.class);
      writer.apply(List.of(received("n-1", 1, 6, 0, 40, 3)));

      List<PGNotification> heard = new ArrayList<>();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (heard.size() < 2 && System.nanoTime() < deadline) {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(500);
        if (got != null) {
          heard.addAll(List.of(got));
        }
      }
      // Anything more (a third notice) would have arrived with the second: the commits were before we looked.
      PGNotification[] more = listener.unwrap(PGConnection.class).getNotifications(300);
      assertThat(heard).hasSize(2).allSatisfy(n -> {
        assertThat(n.getName()).isEqualTo(ReadModelNotices.CHANNEL);
        assertThat(n.getParameter()).isEqualTo("public");
      });
      assertThat(more == null ? 0 : more.length).as("no notice for the rolled-back batch").isZero();
    }
  }

  @Test
  void changesSinceGivesRowsPastTheSeenOffsetsAndEveryPosition() throws Exception {
    writer.apply(List.of(received("c-1", 5, 5, 0, 50, 10), received("c-2", 5, 5, 0, 50, 11),
        received("c-3", 5, 5, 0, 51, 20)));
    writer.apply(List.of(received("c-1", 1, 6, 0, 50, 12), received("c-4", 2, 2, 0, 51, 21)));
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      AppliedRead<List<SkuRow>> changes = queries.changesSince(c, Map.of(50, 11L, 51, 20L));
      assertThat(changes.value()).extracting(SkuRow::sku).containsExactlyInAnyOrder("c-1", "c-4");
      assertThat(changes.value()).filteredOn(r -> r.sku().equals("c-1")).singleElement()
          .satisfies(r -> assertThat(r.position()).isEqualTo(new Position(50, 12)));
      assertThat(changes.appliedOf(50)).hasValueSatisfying(p -> assertThat(p.appliedOffset()).isEqualTo(12));
      assertThat(changes.appliedOf(51)).hasValueSatisfying(p -> assertThat(p.appliedOffset()).isEqualTo(21));

      AppliedRead<List<SkuRow>> none = queries.changesSince(c, Map.of(50, 12L, 51, 21L));
      assertThat(none.value()).isEmpty();
      AppliedRead<List<SkuRow>> positionsOnly = queries.changesSince(c, Map.of());
      assertThat(positionsOnly.value()).isEmpty();
      assertThat(positionsOnly.appliedOf(50)).isPresent();
    }
  }

  @Test
  void aReadReturnsTheRowWithItsPartitionsPositionOrThePositionAlone() throws Exception {
    writer.apply(List.of(received("r-1", 5, 5, 0, 60, 7), received("r-2", 1, 1, 0, 60, 8)));
    AppliedRead<java.util.Optional<SkuRow>> found = queries.sku("r-1", 60);
    assertThat(found.value()).hasValueSatisfying(r -> assertThat(r.position()).isEqualTo(new Position(60, 7)));
    assertThat(found.appliedOf(60)).hasValueSatisfying(p -> assertThat(p.appliedOffset()).isEqualTo(8));
    AppliedRead<java.util.Optional<SkuRow>> missing = queries.sku("r-none", 60);
    assertThat(missing.value()).isEmpty();
    assertThat(missing.appliedOf(60)).isPresent();
    assertThat(queries.sku("r-1", 61).applied()).as("a partition never applied has no position").isEmpty();
    AppliedRead<List<SkuRow>> many = queries.skus(List.of("r-2", "r-1", "r-none"), List.of(60, 61));
    assertThat(many.value()).extracting(SkuRow::sku).containsExactly("r-1", "r-2");
    assertThat(many.applied()).extracting(PartitionPosition::partition).containsExactly(60);
  }
}
