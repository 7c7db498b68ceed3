package io.stocklog.readmodel;

import java.util.regex.Pattern;

/** JDBC URLs as they may be logged: pgJDBC also takes the password as a URL parameter, so that is masked. */
public final class JdbcUrls {

  private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");

  private JdbcUrls() {}

  /** {@code url} with the value of any {@code password} parameter replaced by {@code ***}; null stays null. */
  public static String redacted(String url) {
    return url == null ? null : PASSWORD.matcher(url).replaceAll("$1***");
  }
}
