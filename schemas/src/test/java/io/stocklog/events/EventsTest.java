package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventsTest {

  private static final Instant AT = Examples.AT;

  @Test
  void factoriesWriteTheCurrentSchemaVersionAndAFreshValidEventId() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      for (Event e : Examples.sampleEvents()) {
        assertThat(e.schemaVersion()).isEqualTo(Event.SCHEMA_VERSION);
        assertThat(e.eventId()).matches(Checks.ID);
        assertThat(ids.add(e.eventId())).as("fresh event ID %s", e.eventId()).isTrue();
      }
    }
  }

  @Test
  void factoriesCarryTheirArguments() {
    assertThat(Events.received("sku-1", "r-1", 100, AT))
        .extracting(StockReceived::sku, StockReceived::receiptId, StockReceived::quantity, StockReceived::occurredAt)
        .containsExactly("sku-1", "r-1", 100L, AT);
    assertThat(Events.adjusted("sku-1", "a-1", -3, "damaged", AT))
        .extracting(StockAdjusted::sku, StockAdjusted::adjustmentId, StockAdjusted::delta, StockAdjusted::reason)
        .containsExactly("sku-1", "a-1", -3L, "damaged");
    assertThat(Events.requested("sku-1", "o-1", 2, 600, AT))
        .extracting(ReservationRequested::orderId, ReservationRequested::quantity, ReservationRequested::holdSeconds)
        .containsExactly("o-1", 2L, 600);
    assertThat(Events.extended("sku-1", "o-1", 300, AT))
        .extracting(ReservationExtended::orderId, ReservationExtended::holdSeconds)
        .containsExactly("o-1", 300);
    assertThat(List.of(Events.confirmed("sku-1", "o-1", AT), Events.cancelled("sku-1", "o-1", AT)))
        .allSatisfy(e -> assertThat(e.sku()).isEqualTo("sku-1"));
    assertThat(Events.tick(AT).occurredAt()).isEqualTo(AT);
  }

  @Test
  void factoriesValidateLikeTheConstructors() {
    assertThatIllegalArgumentException().isThrownBy(() -> Events.received("sku-1", "r-1", 0, AT)).withMessageStartingWith("quantity ");
    assertThatIllegalArgumentException().isThrownBy(() -> Events.tick(null)).withMessageStartingWith("occurredAt ");
  }
}
