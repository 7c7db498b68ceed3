package io.stocklog.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.util.regex.Pattern;

/**
 * What went wrong with a piece of JSON, in words for whoever sent it: Jackson's own message without its
 * internals. Jackson names the source it read (with {@code INCLUDE_SOURCE_IN_LOCATION} off, as
 * {@code [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]}), the
 * Java type it was binding to and the feature that refused; a caller needs the line and column, not those.
 */
public final class JsonErrors {

  private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");
  private static final Pattern START_MARKER = Pattern.compile("\\(start marker at line (\\d+), column (\\d+)\\)");
  private static final Pattern BOUND_AS = Pattern.compile("\\s*\\(bound as `[^`]*`\\)");
  private static final Pattern TRAILING = Pattern.compile("^Trailing token \\(of type [A-Z_]+\\) found after value.*",
      Pattern.DOTALL);
  private static final Pattern AS_PER_FEATURE = Pattern.compile(":?\\s*not allowed as per `[^`]*`");
  private static final Pattern TYPE_NAME = Pattern.compile("`(?:[a-z][a-z0-9_]*\\.)+([A-Za-z0-9_$]+)`");

  private JsonErrors() {}

  /** The problem, and where it is ({@code at line L, column C}) when Jackson knows. */
  public static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      message = "unreadable JSON";
    }
    if (TRAILING.matcher(message).matches()) {
      message = "there is more after the end of the JSON value";
    }
    message = SOURCE.matcher(message).replaceAll("line $1, column $2");
    message = START_MARKER.matcher(message).replaceAll("(opened at line $1, column $2)");
    message = BOUND_AS.matcher(message).replaceAll("");
    message = AS_PER_FEATURE.matcher(message).replaceAll("");
    message = TYPE_NAME.matcher(message).replaceAll("$1");
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0 && at.getColumnNr() > 0) {
      message += " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
    return message.strip();
  }
}
