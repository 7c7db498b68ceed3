package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.ReservationStatus;
import java.util.List;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.ReadModelDiff.Kind;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison and the positions check on hand-made rows, no database. */
class ReadModelDiffTest {

  private static final Instant T = Instant.parse("2100-01-01T00:00:00Z");

  @Test
  void identicalRowsMakeNoDifferenceAndEachKindIsDescribedWithBothValues() {
    ExpectedReadModel expected = new ExpectedReadModel();
    expected.apply(new Outcome("e1", "StockReceived", "a", "r1", Decision.RECEIVED, null, 5, 5, 0, null, false, T, "0-1"));
    expected.apply(new Outcome("e2", "ReservationRequested", "a", "o1", Decision.HELD, null, 2, 5, 2, T, false, T, "0-2"));
    expected.apply(new Outcome("e3", "StockReceived", "b", "r2", Decision.RECEIVED, null, 1, 1, 0, null, false, T, "0-3"));

    Map<String, StockEntry> stock = new HashMap<>(expected.stock());
    Map<ReservationEntry.Key, ReservationEntry> reservations = new HashMap<>(expected.reservations());
    assertThat(ReadModelDiff.differences(expected, snapshot(stock, reservations))).isEmpty();

    stock.put("a", new StockEntry("a", 5, 3, 2, new Position(0, 2), T));
    stock.remove("b");
    stock.put("z", new StockEntry("z", 1, 0, 1, null, T));
    ReservationEntry.Key key = new ReservationEntry.Key("a", "o1");
    reservations.put(key, new ReservationEntry("a", "o1", 2, "HELD", null, null, new Position(0, 2)));

    assertThat(ReadModelDiff.differences(expected, snapshot(stock, reservations)))
        .extracting(ReadModelDiff.Difference::describe).containsExactly(
            "sku_stock a: reserved expected 2, read model 3; available expected 3, read model 2",
            "sku_stock b: missing from the read model; the log says on_hand=1, reserved=0, available=1, position=0-3,"
                + " updated_at=2100-01-01T00:00:00Z",
            "sku_stock z: in the read model but not in the log up to its positions: on_hand=1, reserved=0, available=1,"
                + " position=null, updated_at=2100-01-01T00:00:00Z",
            "reservation a/o1: expires_at expected 2100-01-01T00:00:00Z, read model null");
  }

  @Test
  void positionsAreFoldedAsStoredAndThoseTheLogCannotHaveAreDifferences() {
    Map<Integer, Long> last = Map.of(0, 10L, 1, 20L, 2, -1L);

    ReadModelDiff.Plan fine = ReadModelDiff.plan(Map.of(0, 10L, 1, -1L), last);
    assertThat(fine.through()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 10L, 1, -1L, 2, -1L));
    assertThat(fine.problems()).isEmpty();

    ReadModelDiff.Plan wrong = ReadModelDiff.plan(Map.of(0, 11L, 1, 5L, 7, 3L), last);
    assertThat(wrong.through()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 10L, 1, 5L, 2, -1L));
    assertThat(wrong.problems()).extracting(ReadModelDiff.Difference::kind).containsOnly(Kind.POSITION);
    assertThat(wrong.problems()).extracting(ReadModelDiff.Difference::describe).containsExactlyInAnyOrder(
        "applied_position 0: offset 11 is past the log's last committed offset 10; compared as of 10",
        "applied_position 7: offset 3 recorded for a partition the events topic does not have");
  }

  private static ReadModelSnapshot snapshot(Map<String, StockEntry> stock, Map<ReservationEntry.Key, ReservationEntry> r) {
    return new ReadModelSnapshot("public", Map.of(0, 3L), stock, r);
  }

  @Test
  void ordersMissingUnexpectedOrDifferentAreDifferencesNamedByOrderId() throws Exception {
    ExpectedReadModel expected = new ExpectedReadModel();
    List<OrderOutcome.Line> held = List.of(new OrderOutcome.Line("a", 2, ReservationStatus.HELD, null, null));
    expected.apply(new Position(0, 4), new OrderOutcome("e4", "OrderLineDecided", "o1", Decision.HELD, null,
        OrderStatus.HELD, T, held, false, T, "0-4"));
    expected.apply(new Position(0, 5), new OrderOutcome("e5", "OrderLineDecided", "o2", Decision.HELD, null,
        OrderStatus.HELD, T, held, false, T, "0-5"));
    Map<String, OrderEntry> orders = new HashMap<>(expected.orders());
    assertThat(ReadModelDiff.differences(expected, snapshot(Map.of(), Map.of(), orders))).isEmpty();

    OrderEntry o1 = orders.get("o1");
    // Postgres keeps jsonb keys in an order of its own: the same lines in another order of keys are no difference.
    JsonNode reordered = Json.MAPPER.readTree("[{\"status\":\"HELD\",\"quantity\":2,\"sku\":\"a\"}]");
    orders.put("o1", new OrderEntry("o1", "CONFIRMED", null, T, reordered, o1.position(), T));
    orders.remove("o2");
    orders.put("ghost", new OrderEntry("ghost", "HELD", null, null, Json.MAPPER.readTree("[]"), new Position(0, 0), T));

    assertThat(ReadModelDiff.differences(expected, snapshot(Map.of(), Map.of(), orders)))
        .extracting(ReadModelDiff.Difference::describe).containsExactly(
            "orders ghost: in the read model but not in the log up to its positions: status=HELD, reject_reason=null,"
                + " expires_at=null, lines=[], position=0-0, updated_at=2100-01-01T00:00:00Z",
            "orders o1: status expected HELD, read model CONFIRMED",
            "orders o2: missing from the read model; the log says status=HELD, reject_reason=null, "
                + "expires_at=2100-01-01T00:00:00Z, lines=[{\"sku\":\"a\",\"quantity\":2,\"status\":\"HELD\"}], "
                + "position=0-5, updated_at=2100-01-01T00:00:00Z");
  }

  private static ReadModelSnapshot snapshot(Map<String, StockEntry> stock,
      Map<ReservationEntry.Key, ReservationEntry> r, Map<String, OrderEntry> orders) {
    return new ReadModelSnapshot("public", Map.of(0, 5L), stock, r, orders);
  }
}
