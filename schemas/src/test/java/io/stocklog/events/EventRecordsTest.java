package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each record's compact constructor refuses each bad field, naming it. */
class EventRecordsTest {

  private static final int V = Event.SCHEMA_VERSION;
  private static final String E = "e-1";
  private static final String S = "sku-1";
  private static final Instant AT = Examples.AT;

  private static void rejects(String field, ThrowingCallable build) {
    assertThatIllegalArgumentException().isThrownBy(build).withMessageStartingWith(field + " ");
  }

  @Nested
  class StockReceivedTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new StockReceived(2, E, S, AT, "r-1", 5)); }
    @Test void rejectsMissingEventId() { rejects("eventId", () -> new StockReceived(V, null, S, AT, "r-1", 5)); }
    @Test void rejectsBadSku() { rejects("sku", () -> new StockReceived(V, E, "sku 1", AT, "r-1", 5)); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new StockReceived(V, E, S, null, "r-1", 5)); }
    @Test void rejectsBadReceiptId() { rejects("receiptId", () -> new StockReceived(V, E, S, AT, "", 5)); }
    @Test void rejectsZeroQuantity() { rejects("quantity", () -> new StockReceived(V, E, S, AT, "r-1", 0)); }
    @Test void rejectsQuantityAboveMax() { rejects("quantity", () -> new StockReceived(V, E, S, AT, "r-1", Checks.MAX_QUANTITY + 1)); }
  }

  @Nested
  class StockAdjustedTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new StockAdjusted(0, E, S, AT, "a-1", -3, "damaged")); }
    @Test void rejectsBadEventId() { rejects("eventId", () -> new StockAdjusted(V, "e/1", S, AT, "a-1", -3, "damaged")); }
    @Test void rejectsMissingSku() { rejects("sku", () -> new StockAdjusted(V, E, null, AT, "a-1", -3, "damaged")); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new StockAdjusted(V, E, S, null, "a-1", -3, "damaged")); }
    @Test void rejectsBadAdjustmentId() { rejects("adjustmentId", () -> new StockAdjusted(V, E, S, AT, "a".repeat(65), -3, "damaged")); }
    @Test void rejectsZeroDelta() { rejects("delta", () -> new StockAdjusted(V, E, S, AT, "a-1", 0, "damaged")); }
    @Test void rejectsDeltaBelowMin() { rejects("delta", () -> new StockAdjusted(V, E, S, AT, "a-1", -Checks.MAX_QUANTITY - 1, "damaged")); }
    @Test void rejectsBlankReason() { rejects("reason", () -> new StockAdjusted(V, E, S, AT, "a-1", -3, "  ")); }
    @Test void rejectsMissingReason() { rejects("reason", () -> new StockAdjusted(V, E, S, AT, "a-1", -3, null)); }
    @Test void rejectsLongReason() { rejects("reason", () -> new StockAdjusted(V, E, S, AT, "a-1", -3, "x".repeat(201))); }
  }

  @Nested
  class ReservationRequestedTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new ReservationRequested(2, E, S, AT, "o-1", 2, 600)); }
    @Test void rejectsMissingEventId() { rejects("eventId", () -> new ReservationRequested(V, null, S, AT, "o-1", 2, 600)); }
    @Test void rejectsBadSku() { rejects("sku", () -> new ReservationRequested(V, E, "", AT, "o-1", 2, 600)); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new ReservationRequested(V, E, S, null, "o-1", 2, 600)); }
    @Test void rejectsBadOrderId() { rejects("orderId", () -> new ReservationRequested(V, E, S, AT, "o 1", 2, 600)); }
    @Test void rejectsNegativeQuantity() { rejects("quantity", () -> new ReservationRequested(V, E, S, AT, "o-1", -2, 600)); }
    @Test void rejectsZeroHold() { rejects("holdSeconds", () -> new ReservationRequested(V, E, S, AT, "o-1", 2, 0)); }
    @Test void rejectsHoldOverADay() { rejects("holdSeconds", () -> new ReservationRequested(V, E, S, AT, "o-1", 2, 86_401)); }
  }

  @Nested
  class ReservationConfirmedTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new ReservationConfirmed(2, E, S, AT, "o-1")); }
    @Test void rejectsBadEventId() { rejects("eventId", () -> new ReservationConfirmed(V, "", S, AT, "o-1")); }
    @Test void rejectsBadSku() { rejects("sku", () -> new ReservationConfirmed(V, E, "sku\n", AT, "o-1")); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new ReservationConfirmed(V, E, S, null, "o-1")); }
    @Test void rejectsMissingOrderId() { rejects("orderId", () -> new ReservationConfirmed(V, E, S, AT, null)); }
  }

  @Nested
  class ReservationCancelledTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new ReservationCancelled(2, E, S, AT, "o-1")); }
    @Test void rejectsBadEventId() { rejects("eventId", () -> new ReservationCancelled(V, "e 1", S, AT, "o-1")); }
    @Test void rejectsMissingSku() { rejects("sku", () -> new ReservationCancelled(V, E, null, AT, "o-1")); }
    @Test void rejectsTimeBeyondYear9999() { rejects("occurredAt", () -> new ReservationCancelled(V, E, S, Instant.MAX, "o-1")); }
    @Test void rejectsBadOrderId() { rejects("orderId", () -> new ReservationCancelled(V, E, S, AT, "ordre-n\u00b01")); }
  }

  @Nested
  class ReservationExtendedTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new ReservationExtended(2, E, S, AT, "o-1", 300)); }
    @Test void rejectsMissingEventId() { rejects("eventId", () -> new ReservationExtended(V, null, S, AT, "o-1", 300)); }
    @Test void rejectsBadSku() { rejects("sku", () -> new ReservationExtended(V, E, "s".repeat(65), AT, "o-1", 300)); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new ReservationExtended(V, E, S, null, "o-1", 300)); }
    @Test void rejectsBadOrderId() { rejects("orderId", () -> new ReservationExtended(V, E, S, AT, "", 300)); }
    @Test void rejectsZeroHold() { rejects("holdSeconds", () -> new ReservationExtended(V, E, S, AT, "o-1", 0)); }
    @Test void rejectsHoldOverADay() { rejects("holdSeconds", () -> new ReservationExtended(V, E, S, AT, "o-1", 86_401)); }
  }

  @Nested
  class ClockTickTest {
    @Test void rejectsOtherSchemaVersion() { rejects("schemaVersion", () -> new ClockTick(2, E, AT)); }
    @Test void rejectsBadEventId() { rejects("eventId", () -> new ClockTick(V, "tick!", AT)); }
    @Test void rejectsMissingTime() { rejects("occurredAt", () -> new ClockTick(V, E, null)); }
    @Test void rejectsNegativeYear() { rejects("occurredAt", () -> new ClockTick(V, E, Instant.parse("-0001-01-01T00:00:00Z"))); }
  }
}
