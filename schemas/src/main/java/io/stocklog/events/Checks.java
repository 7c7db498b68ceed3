package io.stocklog.events;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The validation every event, command and API path shares. Each failure names the field, so the message
 * can go straight into a 400 problem or a dead letter.
 */
public final class Checks {

  /** IDs and SKUs: 1 to 64 characters of {@code [A-Za-z0-9._:-]}. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  /** The longest hold or extension: one day. Longer holds are a modelling mistake, not a reservation. */
  public static final int MAX_HOLD_SECONDS = 86_400;
  /** The largest quantity or delta one event may carry; larger values are a bug upstream. */
  public static final long MAX_QUANTITY = 1_000_000_000L;
  /** The most lines one order may name. */
  public static final int MAX_ORDER_LINES = 100;
  /**
   * The largest quantity one order line command may carry: an order's lines of one SKU are summed into one line,
   * so up to {@link #MAX_ORDER_LINES} times {@link #MAX_QUANTITY}.
   */
  public static final long MAX_LINE_QUANTITY = MAX_ORDER_LINES * MAX_QUANTITY;
  /** In Unicode code points, as JSON Schema's {@code maxLength} counts. */
  public static final int MAX_REASON_LENGTH = 200;
  /** The span RFC 3339 (four-digit years) can write; outside it an event could be built but never read. */
  public static final Instant MIN_TIME = Instant.parse("0000-01-01T00:00:00Z");
  public static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /**
   * Not blank the way the schemas' {@code "pattern"} means it, so both accept the same reasons: a character that
   * is not ASCII white space. Spelled out rather than {@code \\S}, which Java and ECMAScript (ajv, every JavaScript
   * validator) read differently: to ECMAScript a no-break space or U+2028 is white space too.
   */
  static final String NOT_BLANK_PATTERN = "[^ \\t\\n\\u000b\\f\\r]";
  private static final Pattern NOT_BLANK = Pattern.compile(NOT_BLANK_PATTERN);

  private Checks() {}

  public static String id(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!isId(value)) {
      throw new IllegalArgumentException(
          field + " must be 1 to 64 characters of [A-Za-z0-9._:-]");
    }
    return value;
  }

  /**
   * Whether {@code value} matches {@link #ID}. A loop over the characters rather than the regex: every
   * event, outcome and store record checks several IDs, and the matcher was a measurable part of deciding one.
   */
  public static boolean isId(String value) {
    int n = value.length();
    if (n < 1 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public static long quantity(String field, long value) {
    if (value < 1 || value > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          field + " must be between 1 and " + MAX_QUANTITY + " (was " + value + ")");
    }
    return value;
  }

  public static long lineQuantity(String field, long value) {
    if (value < 1 || value > MAX_LINE_QUANTITY) {
      throw new IllegalArgumentException(
          field + " must be between 1 and " + MAX_LINE_QUANTITY + " (was " + value + ")");
    }
    return value;
  }

  /** A coordinator's step number for an order: 1 for placing it, then one more per step. */
  public static int step(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1 (was " + value + ")");
    }
    return value;
  }

  /** Units available at a SKU: never negative. */
  public static long available(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be at least 0 (was " + value + ")");
    }
    return value;
  }

  public static <T> T required(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  /** An order's lines: 1 to {@link #MAX_ORDER_LINES}, none null; returned as an unmodifiable copy. */
  public static <T> java.util.List<T> lines(String field, java.util.List<T> value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.isEmpty() || value.size() > MAX_ORDER_LINES) {
      throw new IllegalArgumentException(
          field + " must hold 1 to " + MAX_ORDER_LINES + " lines (was " + value.size() + ")");
    }
    for (T line : value) {
      if (line == null) {
        throw new IllegalArgumentException(field + " must not hold null");
      }
    }
    return java.util.List.copyOf(value);
  }

  public static long delta(String field, long value) {
    // Not Math.abs(value) > MAX_QUANTITY: Math.abs(Long.MIN_VALUE) is negative, so it would pass.
    if (value == 0 || value < -MAX_QUANTITY || value > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          field + " must be non-zero and at most " + MAX_QUANTITY + " in size (was " + value + ")");
    }
    return value;
  }

  public static int holdSeconds(String field, int value) {
    if (value < 1 || value > MAX_HOLD_SECONDS) {
      throw new IllegalArgumentException(
          field + " must be between 1 and " + MAX_HOLD_SECONDS + " (was " + value + ")");
    }
    return value;
  }

  public static String reason(String field, String value) {
    if (value == null || !NOT_BLANK.matcher(value).find()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.codePointCount(0, value.length()) > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException(
          field + " must be at most " + MAX_REASON_LENGTH + " characters");
    }
    return value;
  }

  public static Instant time(String field, Instant value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.isBefore(MIN_TIME) || value.isAfter(MAX_TIME)) {
      throw new IllegalArgumentException(
          field + " must be between years 0000 and 9999 (was " + value + ")");
    }
    return value;
  }

  public static int schemaVersion(int value) {
    if (value != Event.SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion " + value + " is not supported (this build reads " + Event.SCHEMA_VERSION + ")");
    }
    return value;
  }
}
