package io.stocklog.config;

import java.util.Map;

/**
 * Reading settings from the environment, the one way every service's {@code Config.fromEnv} does it: a blank
 * value means "use the default", values are trimmed, and a value that is not what it should be fails with the
 * variable's name and the value, so the fix is obvious from the message.
 */
public final class Env {

  private Env() {}

  public static String text(Map<String, String> env, String variable, String fallback) {
    String value = env.get(variable);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public static int integer(Map<String, String> env, String variable, int fallback) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be an integer (was '" + value + "')", e);
    }
  }
}
