package io.stocklog.query;

import io.stocklog.http.Problem;
import io.stocklog.http.ProblemException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's query string, decoded strictly: a parameter whose percent-encoding or UTF-8 is broken is a 400
 * naming it, never silently dropped or mangled (the servlet's parameter map drops it, so a caller's
 * {@code minPosition} would vanish and the read would not wait for its write). {@code +} is a space, as in
 * any form-encoded query.
 */
final class QueryParams {

  private final Map<String, List<String>> values;

  private QueryParams(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses a raw query string (null or empty: no parameters).
   *
   * @throws ProblemException a 400 naming the parameter that does not decode
   */
  static QueryParams parse(String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new QueryParams(values);
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String name = decode(rawName, rawName);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return new QueryParams(values);
  }

  /**
   * The parameter's value, or null when absent.
   *
   * @throws ProblemException a 400 naming it when it is given more than once
   */
  String single(String name) {
    List<String> given = values.get(name);
    if (given == null) {
      return null;
    }
    if (given.size() > 1) {
      throw Problem.badRequest(name + " must be given once (was given " + given.size() + " times)").toException();
    }
    return given.getFirst();
  }

  private static String decode(String raw, String name) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (low < 0) {
          throw Problem.badRequest(name + " has an invalid percent-encoding (a % must be followed by two hex"
              + " digits; was \"" + shown(raw) + "\")").toException();
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        int codePoint = raw.codePointAt(i);
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw Problem.badRequest(name + " is not valid UTF-8 once percent-decoded (was \"" + shown(raw) + "\")")
          .toException();
    }
  }

  private static String shown(String raw) {
    return raw.length() <= 40 ? raw : raw.substring(0, 40) + "...";
  }
}
