package io.stocklog.command;

import io.stocklog.config.Env;
import java.util.Locale;
import java.util.Map;

/** {@code STOCKLOG_AUTH}: how the command API checks its callers. */
public enum AuthMode {
  /** Every command needs a valid bearer token with the route's scope (the default). */
  REQUIRED,
  /** No check at all: for a service that only trusted callers can reach. */
  DISABLED,
  /**
   * For the one-command local stack only: a request from a loopback address without an {@code Authorization}
   * header is let in; a token, when one is presented, must be valid and scoped; any other caller needs one.
   */
  LOCAL;

  public static final String VARIABLE = "STOCKLOG_AUTH";

  /** Its value in {@code STOCKLOG_AUTH}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code STOCKLOG_AUTH}, default {@code required}. */
  public static AuthMode fromEnv(Map<String, String> env) {
    String value = Env.text(env, VARIABLE, REQUIRED.configName());
    for (AuthMode mode : values()) {
      if (mode.configName().equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        VARIABLE + " must be required, disabled or local (was '" + value + "')");
  }
}
