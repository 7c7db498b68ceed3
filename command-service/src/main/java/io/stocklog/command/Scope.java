package io.stocklog.command;

import java.util.Locale;
import java.util.Optional;

/**
 * What a token of the command API may do. {@link #ORDERS} and {@link #STOCK} are for the upstream services
 * that place orders and book deliveries; {@link #OPERATOR} may do everything, and it alone may adjust stock
 * (an adjustment changes stock by decree: shrinkage, recounts).
 */
public enum Scope {
  /** Reservations and orders of several lines, and their confirm, cancel and extend. */
  ORDERS,
  /** Receipts of stock. */
  STOCK,
  /** Everything, adjustments included. */
  OPERATOR;

  /** Its name in {@code STOCKLOG_API_TOKENS} and in answers: {@code orders}, {@code stock}, {@code operator}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope of that configuration name, if there is one (exact, lower case). */
  public static Optional<Scope> named(String name) {
    for (Scope scope : values()) {
      if (scope.configName().equals(name)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }
}
