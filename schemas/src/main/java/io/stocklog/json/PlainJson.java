package io.stocklog.json;

import java.util.Arrays;

/**
 * A JSON object written straight into bytes, for the few shapes written once per decision or per request (an
 * outcome, a 202, a decided reply): field names and values in the order given, no white space, exactly what the
 * data binder writes for the same fields. Strings are written as they are, so only plain ones are taken
 * (printable ASCII without quote or backslash: every ID, SKU, token and time of the system); {@link #bytes()}
 * is null if any string was not, and the caller writes that object the general way. Not thread-safe; one
 * object per instance.
 */
public final class PlainJson {

  private byte[] b = new byte[256];
  private int at;
  private boolean plain = true;

  private PlainJson() {
    b[at++] = '{';
  }

  /** A new object. */
  public static PlainJson object() {
    return new PlainJson();
  }

  public PlainJson string(String name, String value) {
    name(name);
    put('"');
    text(value);
    put('"');
    return this;
  }

  public PlainJson number(String name, long value) {
    name(name);
    ascii(Long.toString(value));
    return this;
  }

  public PlainJson bool(String name, boolean value) {
    name(name);
    ascii(value ? "true" : "false");
    return this;
  }

  /** A JSON {@code null}. */
  public PlainJson nul(String name) {
    name(name);
    ascii("null");
    return this;
  }

  /** {@code json}, an object or value already written (by another {@code PlainJson}), as the field's value. */
  public PlainJson raw(String name, byte[] json) {
    name(name);
    if (at + json.length + 8 > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, at + json.length + 64));
    }
    System.arraycopy(json, 0, b, at, json.length);
    at += json.length;
    return this;
  }

  /** The object's bytes, or null if a string could not be written as it is. */
  public byte[] bytes() {
    put('}');
    return plain ? Arrays.copyOf(b, at) : null;
  }

  /** Whether {@code s} can go into a JSON string as it is: printable ASCII, no quote, no backslash. */
  public static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private void name(String name) {
    if (at > 1) {
      put(',');
    }
    put('"');
    ascii(name);
    put('"');
    put(':');
  }

  private void text(String s) {
    if (!isPlain(s)) {
      plain = false;
      return;
    }
    ascii(s);
  }

  private void ascii(String s) {
    int n = s.length();
    if (at + n + 8 > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, at + n + 64));
    }
    for (int i = 0; i < n; i++) {
      b[at++] = (byte) s.charAt(i);
    }
  }

  private void put(char c) {
    if (at + 1 > b.length) {
      b = Arrays.copyOf(b, b.length * 2);
    }
    b[at++] = (byte) c;
  }
}
