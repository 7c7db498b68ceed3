package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.OrderPlaced;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An order's records are keyed by their order ID, as a SKU's are by their SKU: anything else is a dead letter. */
class RecordDecoderTest {

  private static final OrderPlaced PLACED = Events.placed("o-9", 600, List.of(new OrderPlaced.Line("sku-1", 2)),
      Instant.parse("2026-11-22T10:00:00Z"));

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anOrdersRecordKeyedByItsOrderIdIsAnEvent() throws Exception {
    assertThat(RecordDecoder.decode(bytes("o-9"), EventCodec.encode(PLACED), RecordDecoder.DEFAULT_MAX_EVENT_BYTES))
        .isEqualTo(PLACED);
  }

  @Test
  void anOrdersRecordKeyedByAnythingElseOrNothingIsRefusedNamingTheKey() {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> RecordDecoder.decode(bytes("sku-1"), EventCodec.encode(PLACED), 65_536))
        .withMessageContaining("is not the event's orderId 'o-9'");
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> RecordDecoder.decode(null, EventCodec.encode(PLACED), 65_536))
        .withMessageContaining("must be keyed by its orderId");
  }
}
