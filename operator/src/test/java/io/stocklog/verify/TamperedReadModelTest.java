package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.ReadModelDiff.Difference;
import io.stocklog.verify.ReadModelDiff.Field;
import io.stocklog.verify.ReadModelDiff.Kind;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read model built by the real projector, then changed behind its back: the diff reports exactly the rows
 * changed, with the expected and actual values, and nothing else; the invariant checker reports them too, with
 * what they break, and the accepted event IDs that are not in the log exactly once.
 */
@WithInfra
class TamperedReadModelTest {

  private static final int PARTITIONS = 3;

  @TempDir
  Path stateDir;

  @Test
  void reportsExactlyTheRowsChangedBehindTheSinksBack(TestKafka kafka, TestDatabase db) throws Exception {
    GeneratedHistory history = GeneratedHistory.of(60, PARTITIONS, 7L);
    try (LiveReadModel live = LiveReadModel.start(kafka, db, stateDir, PARTITIONS)) {
      live.append(history);
      live.awaitCaughtUp(Duration.ofSeconds(60));
      String bootstrap = kafka.bootstrapServers();
      String events = live.topics.events();
      assertThat(ReadModelDiff.compare(bootstrap, events, db.dataSource(), "public").differences())
          .as("the untouched read model").isEmpty();

      // Four rows changed, each on a SKU of its own.
      ReadModelSnapshot before = ReadModelSnapshot.read(db.dataSource(), "public");
      List<StockEntry> stock = new ArrayList<>(before.stock().values());
      stock.sort(Comparator.comparing(StockEntry::sku));
      StockEntry reservedChanged = stock.stream().filter(r -> r.available() > 0).findFirst().orElseThrow();
      ReservationEntry held = first(before, "HELD", Set.of(reservedChanged.sku()));
      ReservationEntry deleted = first(before, "CONFIRMED", Set.of(reservedChanged.sku(), held.sku()));
      live.execute("update sku_stock set reserved = reserved + 1, available = available - 1 where sku = ?",
          reservedChanged.sku());
      live.execute("update reservation set status = 'CANCELLED' where sku = ? and order_id = ?", held.sku(),
          held.orderId());
      live.execute("delete from reservation where sku = ? and order_id = ?", deleted.sku(), deleted.orderId());
      Instant ghostAt = Instant.parse("2100-01-01T00:00:00Z");
      live.execute("insert into sku_stock (sku, on_hand, reserved, available, position_partition, position_offset,"
          + " updated_at) values (?, 5, 0, 5, 0, 0, ?)", "ghost-sku", Timestamp.from(ghostAt));

      ReadModelDiff diff = ReadModelDiff.compare(bootstrap, events, db.dataSource(), "public");

      StockEntry r = reservedChanged;
      assertThat(diff.differences()).containsExactlyInAnyOrder(
          new Difference(Kind.UNEXPECTED, "sku_stock", "ghost-sku", List.of(), Map.of("on_hand", 5L, "reserved", 0L,
              "available", 5L, "position", new Position(0, 0), "updated_at", ghostAt), null),
          new Difference(Kind.DIFFERENT, "sku_stock", r.sku(), List.of(
              new Field("reserved", r.reserved(), r.reserved() + 1),
              new Field("available", r.available(), r.available() - 1)), Map.of(), null),
          new Difference(Kind.DIFFERENT, "reservation", held.key().toString(),
              List.of(new Field("status", "HELD", "CANCELLED")), Map.of(), null),
          new Difference(Kind.MISSING, "reservation", deleted.key().toString(), List.of(), columns(deleted), null));
      assertThat(diff.differences()).isSortedAccordingTo(Comparator
          .comparing((Difference d) -> d.table().equals("sku_stock") ? 0 : 1).thenComparing(Difference::key));
      assertThat(diff.differences().get(1).describe()).isEqualTo("sku_stock " + r.sku() + ": reserved expected "
          + r.reserved() + ", read model " + (r.reserved() + 1) + "; available expected " + r.available()
          + ", read model " + (r.available() - 1));

      String unique = history.uniqueEventIds.iterator().next();
      String redelivered = history.redeliveredEventIds.iterator().next();
      InvariantReport report = InvariantChecker.check(bootstrap, live.topics, db.dataSource(), "public",
          List.of(unique, redelivered, "never-appended", history.wrongKeyEventId));

      long heldOfHeldSku = before.reservations().values().stream()
          .filter(x -> x.sku().equals(held.sku()) && x.status().equals("HELD")).mapToLong(ReservationEntry::quantity).sum();
      assertThat(report.violations()).hasSize(9)
          .containsAll(diff.differences().stream().map(d -> "read model vs log: " + d.describe()).toList())
          .contains("read model sku " + r.sku() + ": reserved " + (r.reserved() + 1) + " but HELD reservations sum to "
              + r.reserved(),
          "read model sku " + held.sku() + ": reserved " + heldOfHeldSku + " but HELD reservations sum to "
              + (heldOfHeldSku - held.quantity()),
          "event never-appended: accepted but not in the log");
      assertThat(report.violations()).anyMatch(v -> v.matches(
          "event " + redelivered + ": accepted once but in the log 2 times \\(at \\d+-\\d+, \\d+-\\d+\\)"));
      assertThat(report.violations()).anyMatch(v -> v.matches("event " + history.wrongKeyEventId
          + ": accepted but never decided: dead-lettered at \\d+-\\d+"
          + " \\(key: 'sku-003' is not the event's sku 'sku-002'\\)"));
      assertThat(report.ok()).isFalse();
      assertThat(report.summary()).startsWith("9 invariant violations (").contains("event never-appended");

      // A position the log cannot have is reported too, and compared as of the log's end (which the projector's
      // ticks move on meanwhile).
      live.execute("update applied_position set applied_offset = 999999999 where events_partition = 0");
      ReadModelDiff beyond = ReadModelDiff.compare(bootstrap, events, db.dataSource(), "public");
      assertThat(beyond.differences()).hasSize(5).containsAll(diff.differences());
      assertThat(beyond.differences().get(0).describe()).matches("applied_position 0: offset 999999999 is past the"
          + " log's last committed offset (\\d+); compared as of \\1");
    }
  }

  @Test
  void aSchemaNameThatIsNotAPlainIdentifierIsRefusedBeforeAnythingIsRead(TestKafka kafka, TestDatabase db) {
    for (String schema : List.of("Public", "public; drop table sku_stock", "1st", "", "a\"b")) {
      assertThatThrownBy(() -> ReadModelDiff.compare(kafka.bootstrapServers(), "no-such-topic", db.dataSource(), schema))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema must be");
      assertThatThrownBy(() -> InvariantChecker.check(kafka.bootstrapServers(),
          io.stocklog.topics.TopicSettings.defaults(), db.dataSource(), schema, List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema must be");
    }
  }

  private static ReservationEntry first(ReadModelSnapshot snapshot, String status, Set<String> notOn) {
    return snapshot.reservations().values().stream()
        .filter(x -> x.status().equals(status) && !notOn.contains(x.sku()))
        .min(Comparator.comparing(ReservationEntry::key)).orElseThrow();
  }

  private static Map<String, Object> columns(ReservationEntry r) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("quantity", r.quantity());
    m.put("status", r.status());
    m.put("reject_reason", r.rejectReason());
    m.put("expires_at", r.expiresAt());
    m.put("position", r.position());
    return m;
  }
}
