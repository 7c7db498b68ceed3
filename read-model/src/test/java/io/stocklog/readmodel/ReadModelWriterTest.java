package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.T0;
import static io.stocklog.readmodel.TestOutcomes.received;
import static io.stocklog.readmodel.TestOutcomes.rejected;
import static io.stocklog.readmodel.TestOutcomes.reservation;
import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The position-guarded upserts against a real Postgres; each test uses SKUs of its own. */
@WithInfra
class ReadModelWriterTest {

  private static ReadModelWriter writer;
  private static ReadModelQueries queries;

  @BeforeAll
  static void migrate(TestDatabase db) {
    ReadModelSchema.migrate(db.dataSource());
    writer = new ReadModelWriter(db.dataSource());
    queries = new ReadModelQueries(db.dataSource());
  }

  private static String sku() {
    return "sku-" + UUID.randomUUID();
  }

  @Test
  void aBatchBecomesStockReservationsAndAppliedPosition() throws SQLException {
    String sku = sku();
    Instant deadline = T0.plusSeconds(600);
    Map<Integer, Long> applied = writer.apply(List.of(
        received(sku, 10, 10, 0, 7, 100),
        reservation(sku, "o-1", Decision.HELD, 3, 10, 3, deadline, 7, 101),
        reservation(sku, "o-2", Decision.HELD, 2, 10, 5, deadline, 7, 102),
        reservation(sku, "o-1", Decision.CONFIRMED, 3, 7, 2, deadline, 7, 103)));

    assertThat(applied).containsExactly(Map.entry(7, 103L));
    SkuRow row = queries.sku(sku).orElseThrow();
    assertThat(row).isEqualTo(new SkuRow(sku, 7, 2, 5, new Position(7, 103), T0.plusSeconds(103)));
    assertThat(queries.reservation(sku, "o-1").orElseThrow().status()).isEqualTo(ReservationStatus.CONFIRMED);
    ReservationRow o2 = queries.reservation(sku, "o-2").orElseThrow();
    assertThat(o2).isEqualTo(new ReservationRow(sku, "o-2", 2, ReservationStatus.HELD, null, deadline,
        new Position(7, 102), T0.plusSeconds(102)));
    assertThat(queries.appliedPosition(7).orElseThrow().appliedOffset()).isGreaterThanOrEqualTo(103);
  }

  @Test
  void olderOutcomesAndRedeliveriesLeaveTheRowsUnchanged() throws SQLException {
    String sku = sku();
    Instant deadline = T0.plusSeconds(600);
    List<Outcome> batch = List.of(
        received(sku, 10, 10, 0, 3, 10),
        reservation(sku, "o-1", Decision.HELD, 4, 10, 4, deadline, 3, 11),
        reservation(sku, "o-1", Decision.EXTENDED, 4, 10, 4, deadline.plusSeconds(60), 3, 12),
        reservation(sku, "o-1", Decision.CANCELLED, 4, 10, 0, deadline.plusSeconds(60), 3, 13));
    writer.apply(batch);
    SkuRow stock = queries.sku(sku).orElseThrow();
    ReservationRow held = queries.reservation(sku, "o-1").orElseThrow();

    writer.apply(batch.subList(0, 2));       // an older subset, as a replay from an earlier offset would bring
    writer.apply(List.of(batch.get(1)));
    writer.apply(batch);                      // the whole batch again, as after a crash before the commit

    assertThat(queries.sku(sku)).contains(stock);
    assertThat(queries.reservation(sku, "o-1")).contains(held);
    assertThat(held.status()).isEqualTo(ReservationStatus.CANCELLED);
    assertThat(held.expiresAt()).isEqualTo(deadline.plusSeconds(60));
  }

  @Test
  void outcomesSpreadOverBatchesConvergeToTheSameRowsAsOneBatch() throws SQLException {
    String a = sku();
    String b = sku();
    Instant deadline = T0.plusSeconds(600);
    List<Outcome> log = List.of(
        received(a, 5, 5, 0, 1, 1),
        reservation(a, "o", Decision.HELD, 5, 5, 5, deadline, 1, 2),
        received(b, 5, 5, 0, 1, 3),
        reservation(a, "o", Decision.EXPIRED, 5, 5, 0, deadline, 1, 4));
    writer.apply(log.subList(0, 3));
    writer.apply(log.subList(1, 4));     // overlapping redelivery
    writer.apply(log.subList(2, 4));

    assertThat(queries.sku(a).orElseThrow()).isEqualTo(new SkuRow(a, 5, 0, 5, new Position(1, 4), T0.plusSeconds(4)));
    assertThat(queries.reservation(a, "o").orElseThrow().status()).isEqualTo(ReservationStatus.EXPIRED);
    assertThat(queries.skus(List.of(a, b, "absent"))).extracting(SkuRow::sku).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void onlyOutOfStockRequestsMakeARejectedReservationAndDuplicatesTouchNothing() throws SQLException {
    String sku = sku();
    writer.apply(List.of(
        received(sku, 1, 1, 0, 2, 20),
        rejected(sku, "o-big", "ReservationRequested", Reason.OUT_OF_STOCK, 5, 1, 0, 2, 21),
        rejected(sku, "o-none", "ReservationConfirmed", Reason.UNKNOWN_RESERVATION, 0, 1, 0, 2, 22),
        rejected(sku, "o-big", "ReservationConfirmed", Reason.NOT_HELD, 5, 1, 0, 2, 23)));
    Outcome duplicateHeld = new Outcome("e-24", "ReservationRequested", sku, "o-dup", Decision.HELD, null, 1, 1,
        0, T0, true, T0.plusSeconds(24), new Position(2, 24).token());
    writer.apply(List.of(duplicateHeld));

    ReservationRow big = queries.reservation(sku, "o-big").orElseThrow();
    assertThat(big.status()).isEqualTo(ReservationStatus.REJECTED);
    assertThat(big.rejectReason()).isEqualTo(Reason.OUT_OF_STOCK);
    assertThat(big.position()).isEqualTo(new Position(2, 21));
    assertThat(queries.reservation(sku, "o-none")).isEmpty();
    assertThat(queries.reservation(sku, "o-dup")).isEmpty();
    assertThat(queries.sku(sku).orElseThrow().position()).isEqualTo(new Position(2, 24));
  }

  @Test
  void touchCreatesAnEmptyPositionAndKeepsAnAppliedOne() throws SQLException {
    writer.touch(List.of(9));
    PartitionPosition empty = queries.appliedPosition(9).orElseThrow();
    assertThat(empty.appliedOffset()).isEqualTo(-1);
    assertThat(empty.position()).isEmpty();

    writer.apply(List.of(received(sku(), 1, 1, 0, 9, 5)));
    writer.touch(List.of(9));
    PartitionPosition applied = queries.appliedPosition(9).orElseThrow();
    assertThat(applied.position()).contains(new Position(9, 5));
    assertThat(applied.checkedAt()).isAfterOrEqualTo(empty.checkedAt());
    assertThat(applied.ageMs()).isBetween(0L, 5_000L);
    assertThat(queries.appliedPositions()).extracting(PartitionPosition::partition).contains(9);
  }

  @Test
  void aBatchEndingBetweenAnEventsExpiriesAndItsDecisionClaimsOnlyTheOffsetBefore() throws SQLException {
    String sku = sku();
    Instant deadline = T0.plusSeconds(30);
    // Offset 40 is a reservation request that first expired o-old, then was held; the batch ends between.
    Outcome expiredByRequest = new Outcome("e-40", "ReservationRequested", sku, "o-old", Decision.EXPIRED, null, 2,
        5, 0, deadline, false, T0.plusSeconds(40), new Position(11, 40).token());
    Map<Integer, Long> applied = writer.apply(List.of(received(sku, 5, 5, 0, 11, 39), expiredByRequest));
    assertThat(applied).containsExactly(Map.entry(11, 39L));
    assertThat(queries.appliedPosition(11).orElseThrow().appliedOffset()).isEqualTo(39);

    Outcome held = new Outcome("e-40", "ReservationRequested", sku, "o-new", Decision.HELD, null, 1, 5, 1,
        T0.plusSeconds(100), false, T0.plusSeconds(40), new Position(11, 40).token());
    assertThat(writer.apply(List.of(held))).containsExactly(Map.entry(11, 40L));

    // A clock tick's expiries are all it decides: the batch that ends with them has the tick complete.
    Outcome expiredByTick = new Outcome("e-41", "ClockTick", sku, "o-new", Decision.EXPIRED, null, 1, 5, 0,
        T0.plusSeconds(100), false, T0.plusSeconds(100), new Position(11, 41).token());
    assertThat(writer.apply(List.of(expiredByTick))).containsExactly(Map.entry(11, 41L));
    assertThat(queries.appliedPosition(11).orElseThrow().appliedOffset()).isEqualTo(41);
  }
}
