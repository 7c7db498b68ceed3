package io.stocklog.command;

import java.util.Map;

/** The bearer tokens the tests configure, one per scope and one with two, and a config that has them all. */
final class TestTokens {

  static final String OPERATOR = "test-operator-0123456789abcdef";
  static final String ORDERS = "test-orders-0123456789abcdef";
  static final String STOCK = "test-stock-0123456789abcdef";
  static final String ORDERS_AND_STOCK = "test-orders-stock-0123456789abcdef";
  /** A well-formed token that is not configured. */
  static final String UNKNOWN = "test-unknown-0123456789abcdef";
  static final String ENV = OPERATOR + "=operator," + ORDERS + "=orders," + STOCK + "=stock,"
      + ORDERS_AND_STOCK + "=orders+stock";

  private TestTokens() {}

  /** The defaults, with auth required and these tokens configured. */
  static CommandConfig config() {
    return CommandConfig.fromEnv(Map.of(ApiTokens.VARIABLE, ENV));
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }
}
