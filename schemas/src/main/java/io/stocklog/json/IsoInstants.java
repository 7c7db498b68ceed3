package io.stocklog.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Instants in the one text form the system writes, {@code 2026-12-06T20:02:54.837Z} (what
 * {@link Instant#toString()} writes for the years 0000 to 9999: UTC, {@code Z}, a fraction of 3, 6 or 9 digits
 * or none), read and written without {@link java.time.format.DateTimeFormatter}, which was a third of the CPU
 * of every reader of the outcomes topic. Anything else ({@code null} from {@link #parse}) is left to the
 * general parser, so this never accepts what it would refuse nor reads a time differently;
 * {@code IsoInstantsTest} holds both directions to {@code Instant}'s own.
 */
public final class IsoInstants {

  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
      1_000_000_000};

  private IsoInstants() {}

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f]Z} with a fraction of 1 to 9 digits, as an instant; null for any other text,
   * including a second of 60 and dates that do not exist.
   */
  public static Instant parse(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      int value = digits(s, 20, fraction);
      if (value < 0) {
        return null;
      }
      nanos = value * POWERS[9 - fraction];
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The same text as {@link Instant#toString()}, written without a formatter for the years 0000 to 9999. */
  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    if (epochDay < LocalDate.of(0, 1, 1).toEpochDay() || epochDay > LocalDate.of(9999, 12, 31).toEpochDay()) {
      return t.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    int nanos = t.getNano();
    char[] c = new char[nanos == 0 ? 20 : nanos % 1_000_000 == 0 ? 24 : nanos % 1_000 == 0 ? 27 : 30];
    put(c, 0, date.getYear(), 4);
    c[4] = '-';
    put(c, 5, date.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, date.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, secondOfDay / 3_600, 2);
    c[13] = ':';
    put(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    put(c, 17, secondOfDay % 60, 2);
    if (nanos != 0) {
      c[19] = '.';
      int width = c.length - 21;
      put(c, 20, nanos / POWERS[9 - width], width);
    }
    c[c.length - 1] = 'Z';
    return new String(c);
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 if any of it is not an ASCII digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      value = value * 10 + (ch - '0');
    }
    return value;
  }

  private static void put(char[] c, int from, int value, int width) {
    for (int i = from + width - 1; i >= from; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
