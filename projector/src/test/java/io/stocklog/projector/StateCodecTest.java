package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.Reservation;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import org.junit.jupiter.api.Test;

/**
 * The stored layout keeps what orders added (a line's kind, PREPARED, the new decisions and reasons) and reads a
 * value written before orders exactly as it was: the stores of a running projection need no rebuild for them.
 */
class StateCodecTest {

  private static Reservation roundTrip(Reservation r) {
    return StateCodec.reservation(StateCodec.reservationKey(r.sku(), r.orderId()), StateCodec.encode(r));
  }

  @Test
  void everyStatusOfAReservationAndOfAnOrdersLineSurvivesTheStore() {
    for (ReservationStatus status : ReservationStatus.values()) {
      Reason reason = status == ReservationStatus.REJECTED ? Reason.ID_CONFLICT : null;
      Reservation line = new Reservation("a", "o-1", 7, 0, status, reason, 60_000, 9_000, true);
      assertThat(roundTrip(line)).isEqualTo(line);
      if (status != ReservationStatus.PREPARED) {
        Reservation single = new Reservation("a", "o-1", 7, 60, status, reason, 60_000, 9_000);
        assertThat(roundTrip(single)).isEqualTo(single);
      }
    }
  }

  @Test
  void aReservationIsStoredInTheLayoutOfBeforeOrdersAndALineWithOneKindByteMore() {
    Reservation single = new Reservation("a", "o-1", 7, 60, ReservationStatus.HELD, null, 60_000, 9_000);
    Reservation line = new Reservation("a", "o-1", 7, 0, ReservationStatus.HELD, null, 60_000, 9_000, true);

    assertThat(StateCodec.encode(single)).hasSize(31);
    assertThat(StateCodec.encode(line)).hasSize(32);
    assertThat(roundTrip(single).line()).isFalse();
  }

  @Test
  void everyDecisionAndReasonSurvivesTheStore() {
    for (Decision decision : Decision.values()) {
      for (Reason reason : Reason.values()) {
        AppliedId a = new AppliedId("a", AppliedId.Kind.UNMATCHED_EVENT, "e-1", 0, "o-1", decision, reason, 5);
        byte[] key = StateCodec.appliedKey(a.kind(), a.id(), a.sku());
        assertThat(StateCodec.applied(key, StateCodec.encode(a))).isEqualTo(a);
      }
    }
  }
}
