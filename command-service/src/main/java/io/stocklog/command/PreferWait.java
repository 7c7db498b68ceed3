package io.stocklog.command;

import io.stocklog.http.Problem;
import io.stocklog.http.ProblemException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code wait} preference of RFC 7240 ({@code Prefer: wait=5}): how many seconds the caller will
 * wait for the outcome of its command. Other preferences in the header are ignored, as the RFC asks.
 *
 * @param seconds 0 to {@link #MAX_SECONDS}
 */
record PreferWait(int seconds) {

  /** The contract's limit (N up to 30 seconds): a caller that needs longer should poll the query service. */
  static final int MAX_SECONDS = 30;

  PreferWait {
    if (seconds < 0 || seconds > MAX_SECONDS) {
      throw invalid(Integer.toString(seconds));
    }
  }

  /** The {@code Preference-Applied} value that says the wait was honoured. */
  String applied() {
    return "wait=" + seconds;
  }

  /**
   * The first {@code wait} preference in the {@code Prefer} header values, if any.
   *
   * @throws ProblemException a 400 naming {@code Prefer} if the wait is not an integer from 0 to 30
   */
  static Optional<PreferWait> parse(List<String> headerValues) {
    for (String header : headerValues) {
      for (String preference : header.split(",")) {
        String nameAndValue = preference.split(";", 2)[0].trim();
        int eq = nameAndValue.indexOf('=');
        String name = (eq < 0 ? nameAndValue : nameAndValue.substring(0, eq)).trim();
        if (!name.toLowerCase(Locale.ROOT).equals("wait")) {
          continue;
        }
        String value = eq < 0 ? "" : unquote(nameAndValue.substring(eq + 1).trim());
        if (!value.matches("[0-9]{1,9}")) {
          throw invalid(value);
        }
        int seconds = Integer.parseInt(value);
        if (seconds > MAX_SECONDS) {
          throw invalid(value);
        }
        return Optional.of(new PreferWait(seconds));
      }
    }
    return Optional.empty();
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  private static ProblemException invalid(String value) {
    String shown = value.length() <= 20 ? value : value.substring(0, 20) + "...";
    return Problem.badRequest("Prefer: wait must be an integer number of seconds between 0 and "
        + MAX_SECONDS + " (was '" + shown + "')").toException();
  }
}
