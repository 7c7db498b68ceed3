package io.stocklog.inventory;

import java.time.Duration;
import java.util.Optional;

/**
 * The deadline index as a function of the remembered records: which timer {@link Inventory} keeps for each.
 * A store that does not log its index can rebuild it from its records with these (the projector's does, when a
 * task starts), and {@code TimersTest} holds them to the index the fold maintains, event by event.
 *
 * <ul>
 *   <li>a HELD reservation (or order line): its expiry at its deadline;
 *   <li>an order's line PREPARED to be confirmed: none, it holds its units until its order confirms or releases it;
 *   <li>any other reservation (finished, or rejected): forgetting it a retention after its last change;
 *   <li>a remembered unmatched event: forgetting it a retention after it was decided;
 *   <li>a receipt or adjustment ID: none, they are remembered for good.
 * </ul>
 */
public final class Timers {

  private Timers() {}

  /**
   * The timer the fold keeps for {@code r}: its expiry if it runs out at a deadline, none for an order's line
   * prepared to be confirmed (it waits for its order, holding its units), else forgetting it.
   */
  public static Optional<Timer> of(Reservation r, Duration retention) {
    if (r.status().expires()) {
      return Optional.of(new Timer(r.expiresAt(), Timer.Kind.EXPIRE, r.sku(), r.orderId()));
    }
    if (r.status().live()) {
      return Optional.empty();
    }
    return Optional.of(
        new Timer(r.updatedAt() + retention.toMillis(), Timer.Kind.FORGET_RESERVATION, r.sku(), r.orderId()));
  }

  /** The timer the fold keeps for {@code a}: one for an unmatched event, none for a receipt or adjustment. */
  public static Optional<Timer> of(AppliedId a, Duration retention) {
    return switch (a.kind()) {
      case UNMATCHED_EVENT -> Optional.of(new Timer(a.at() + retention.toMillis(), Timer.Kind.FORGET_EVENT, a.sku(),
          a.id()));
      case RECEIPT, ADJUSTMENT -> Optional.empty();
    };
  }
}
