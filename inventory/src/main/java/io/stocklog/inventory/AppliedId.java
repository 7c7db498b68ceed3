package io.stocklog.inventory;

import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;

/**
 * The remembered first decision for an ID that is not a reservation, stored under (sku, kind, id), so a
 * repeat changes nothing and yields the same decision.
 *
 * @param amount the receipt's quantity or the adjustment's delta (compared to detect an ID reused with a
 *     different body)
 * @param note the adjustment's reason, or the rejected event's order ID
 */
public record AppliedId(
    String sku, Kind kind, String id, long amount, String note, Decision decision, Reason reason, long at) {

  public enum Kind {
    /** A stock receipt, by receiptId; kept for good: replaying an old receipt must never count twice. */
    RECEIPT,
    /** A stock adjustment, by adjustmentId; kept for good like receipts. */
    ADJUSTMENT,
    /**
     * A confirm, cancel or extend that named no known reservation, by eventId; forgotten after the
     * retention. Remembered so that the same event delivered again later, after the reservation does
     * exist, is still recognised as a repeat rather than acted on.
     */
    UNMATCHED_EVENT
  }
}
