package io.stocklog.readmodel;

import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.time.Instant;

/** Outcomes as the projector would publish them, placed at an events position. */
final class TestOutcomes {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestOutcomes() {}

  static Outcome received(String sku, long qty, long onHand, long reserved, int partition, long offset) {
    return new Outcome("e-" + offset, "StockReceived", sku, "r-" + offset, Decision.RECEIVED, null, qty, onHand,
        reserved, null, false, T0.plusSeconds(offset), new Position(partition, offset).token());
  }

  static Outcome reservation(String sku, String order, Decision decision, long qty, long onHand, long reserved,
      Instant expiresAt, int partition, long offset) {
    String type = switch (decision) {
      case HELD -> "ReservationRequested";
      case CONFIRMED -> "ReservationConfirmed";
      case CANCELLED -> "ReservationCancelled";
      case EXTENDED -> "ReservationExtended";
      default -> "ClockTick";
    };
    return new Outcome("e-" + offset, type, sku, order, decision, null, qty, onHand, reserved, expiresAt, false,
        T0.plusSeconds(offset), new Position(partition, offset).token());
  }

  static Outcome rejected(String sku, String order, String eventType, Reason reason, long qty, long onHand,
      long reserved, int partition, long offset) {
    return new Outcome("e-" + offset, eventType, sku, order, Decision.REJECTED, reason, qty, onHand, reserved,
        T0.plusSeconds(600), false, T0.plusSeconds(offset), new Position(partition, offset).token());
  }
}
