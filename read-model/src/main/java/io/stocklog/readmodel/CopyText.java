package io.stocklog.readmodel;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Rows in {@code COPY}'s text format, encoded straight into UTF-8 bytes and sent to a {@link CopyIn} a buffer at a
 * time, so the server parses one buffer while the next is encoded and no whole table is ever held as text.
 *
 * <p>Timestamps are written as {@code YYYY-MM-DD hh:mm:ss.nnnnnnnnn+00} from the instant's fields, which Postgres
 * reads (rounding to microseconds) exactly as it read {@link Instant#toString()}, at a fraction of the cost; the
 * date part is kept from one row to the next, since a rebuild's rows are days of one log.
 */
final class CopyText {

  private static final int BUFFER = 1 << 16;
  private static final byte[] NULL = {'\\', 'N'};
  private static final long FIRST_SECOND = LocalDate.of(1, 1, 1).toEpochDay() * 86_400;
  private static final long LAST_SECOND = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400 + 86_399;

  private final CopyIn copy;
  private final byte[] buf = new byte[BUFFER];
  private int n;
  private boolean first = true;
  private long day = Long.MIN_VALUE;
  private final byte[] date = new byte[11];

  private CopyText(CopyIn copy) {
    this.copy = copy;
  }

  /** Writes the rows of one {@code COPY}, each field in turn, then {@link #end()}. */
  @FunctionalInterface
  interface Rows {
    void write(CopyText out) throws SQLException;
  }

  /**
   * Runs {@code sql} (a {@code COPY ... FROM STDIN}) with the rows {@code rows} writes; if writing them fails, the
   * {@code COPY} is cancelled so the connection can roll back.
   *
   * @return the rows Postgres counted
   */
  static long copy(CopyManager manager, String sql, Rows rows) throws SQLException {
    CopyIn in = manager.copyIn(sql);
    try {
      CopyText out = new CopyText(in);
      rows.write(out);
      return out.finish();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /** A text value, with backslash, tab and line breaks escaped. */
  CopyText text(String s) throws SQLException {
    separate();
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        return utf8(s, i);
      }
      room(2);
      switch (ch) {
        case '\\' -> escape('\\');
        case '\t' -> escape('t');
        case '\n' -> escape('n');
        case '\r' -> escape('r');
        default -> buf[n++] = (byte) ch;
      }
    }
    return this;
  }

  /** The rest of {@code s}, from {@code from}, which is not all ASCII. */
  private CopyText utf8(String s, int from) throws SQLException {
    String rest = s.substring(from).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        .replace("\r", "\\r");
    byte[] bytes = rest.getBytes(StandardCharsets.UTF_8);
    room(bytes.length);
    if (bytes.length > buf.length) {
      copy.writeToCopy(bytes, 0, bytes.length);
    } else {
      System.arraycopy(bytes, 0, buf, n, bytes.length);
      n += bytes.length;
    }
    return this;
  }

  /** A text value or null. */
  CopyText textOrNull(String s) throws SQLException {
    return s == null ? nul() : text(s);
  }

  CopyText number(long v) throws SQLException {
    separate();
    room(20);
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return ascii(Long.toString(v));
      }
      buf[n++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v / 10; x > 0; x /= 10) {
      digits++;
    }
    for (int i = n + digits - 1; i >= n; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n += digits;
    return this;
  }

  /** A timestamptz, or null. */
  CopyText time(Instant t) throws SQLException {
    if (t == null) {
      return nul();
    }
    separate();
    long seconds = t.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
      return ascii(t.toString()); // outside years 1 to 9999: as before, the ISO form, for Postgres to judge
    }
    room(32);
    long d = Math.floorDiv(seconds, 86_400);
    if (d != day) {
      day = d;
      LocalDate ld = LocalDate.ofEpochDay(d);
      int y = ld.getYear();
      date[0] = (byte) ('0' + y / 1000);
      date[1] = (byte) ('0' + y / 100 % 10);
      date[2] = (byte) ('0' + y / 10 % 10);
      date[3] = (byte) ('0' + y % 10);
      date[4] = '-';
      date[5] = (byte) ('0' + ld.getMonthValue() / 10);
      date[6] = (byte) ('0' + ld.getMonthValue() % 10);
      date[7] = '-';
      date[8] = (byte) ('0' + ld.getDayOfMonth() / 10);
      date[9] = (byte) ('0' + ld.getDayOfMonth() % 10);
      date[10] = ' ';
    }
    System.arraycopy(date, 0, buf, n, 11);
    n += 11;
    int sod = (int) Math.floorMod(seconds, 86_400);
    two(sod / 3600);
    buf[n++] = ':';
    two(sod / 60 % 60);
    buf[n++] = ':';
    two(sod % 60);
    int nanos = t.getNano();
    if (nanos != 0) {
      buf[n++] = '.';
      for (int i = n + 8; i >= n; i--) {
        buf[i] = (byte) ('0' + nanos % 10);
        nanos /= 10;
      }
      n += 9;
    }
    buf[n++] = '+';
    buf[n++] = '0';
    buf[n++] = '0';
    return this;
  }

  CopyText nul() throws SQLException {
    separate();
    room(2);
    buf[n++] = NULL[0];
    buf[n++] = NULL[1];
    return this;
  }

  /** Ends the row. */
  void end() throws SQLException {
    room(1);
    buf[n++] = '\n';
    first = true;
  }

  /** Sends what is left and ends the {@code COPY}. */
  private long finish() throws SQLException {
    if (n > 0) {
      copy.writeToCopy(buf, 0, n);
      n = 0;
    }
    return copy.endCopy();
  }

  private CopyText ascii(String s) throws SQLException {
    room(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[n++] = (byte) s.charAt(i);
    }
    return this;
  }

  private void two(int v) {
    buf[n++] = (byte) ('0' + v / 10);
    buf[n++] = (byte) ('0' + v % 10);
  }

  private void escape(char ch) {
    buf[n++] = '\\';
    buf[n++] = (byte) ch;
  }

  private void separate() throws SQLException {
    if (first) {
      first = false;
      return;
    }
    room(1);
    buf[n++] = '\t';
  }

  private void room(int bytes) throws SQLException {
    if (n + bytes > buf.length) {
      copy.writeToCopy(buf, 0, n);
      n = 0;
    }
  }
}
