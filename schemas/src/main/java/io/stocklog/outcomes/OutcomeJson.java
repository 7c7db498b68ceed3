package io.stocklog.outcomes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.stocklog.json.IsoInstants;
import io.stocklog.json.Json;
import io.stocklog.json.PlainJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Outcomes to and from JSON in one pass over the tokens: every decision the projector publishes is written here,
 * and read here by the read-model sink and the command service's follower, which spent two thirds of their CPU in
 * the data binder and its date parser. Writing gives exactly the bytes the data binder writes for an
 * {@link Outcome} (the published contract: fields in their declared order, absent ones left out, times as
 * {@link Instant#toString()} writes them). Reading takes an outcome in that shape; anything else goes to the data
 * binder, as before. {@code OutcomeJsonTest} holds both to the data binder over generated outcomes.
 */
public final class OutcomeJson {

  // Buffers from a shared pool: the default per-thread recycler reuses nothing on virtual threads (see Json).
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
      .build();

  private OutcomeJson() {}

  /** The outcome's JSON, byte for byte what {@link Json#MAPPER} writes. */
  public static byte[] write(Outcome o) {
    PlainJson json = PlainJson.object()
        .string("eventId", o.eventId())
        .string("eventType", o.eventType())
        .string("sku", o.sku())
        .string("subjectId", o.subjectId())
        .string("decision", o.decision().name());
    if (o.reason() != null) {
      json.string("reason", o.reason().name());
    }
    json.number("quantity", o.quantity())
        .number("onHand", o.onHand())
        .number("reserved", o.reserved())
        .number("available", o.available());
    if (o.expiresAt() != null) {
      json.string("expiresAt", IsoInstants.format(o.expiresAt()));
    }
    json.bool("duplicate", o.duplicate())
        .string("decidedAt", IsoInstants.format(o.decidedAt()));
    if (o.position() != null) {
      json.string("position", o.position());
    }
    byte[] bytes = json.bytes();
    return bytes != null ? bytes : writeWithGenerator(o);
  }

  /** The same bytes, written with a generator: for strings that must be escaped. */
  static byte[] writeWithGenerator(Outcome o) {
    ByteArrayBuilder out = new ByteArrayBuilder(320);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("eventId", o.eventId());
      g.writeStringField("eventType", o.eventType());
      g.writeStringField("sku", o.sku());
      g.writeStringField("subjectId", o.subjectId());
      g.writeStringField("decision", o.decision().name());
      if (o.reason() != null) {
        g.writeStringField("reason", o.reason().name());
      }
      g.writeNumberField("quantity", o.quantity());
      g.writeNumberField("onHand", o.onHand());
      g.writeNumberField("reserved", o.reserved());
      g.writeNumberField("available", o.available());
      if (o.expiresAt() != null) {
        g.writeStringField("expiresAt", IsoInstants.format(o.expiresAt()));
      }
      g.writeBooleanField("duplicate", o.duplicate());
      g.writeStringField("decidedAt", IsoInstants.format(o.decidedAt()));
      if (o.position() != null) {
        g.writeStringField("position", o.position());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write outcome " + o.eventId(), e);
    }
    return out.toByteArray();
  }

  /**
   * The outcome in {@code bytes}.
   *
   * @throws IOException when they are not an outcome (from the data binder, which reads what is not in the
   *     canonical shape)
   */
  public static Outcome read(byte[] bytes) throws IOException {
    Outcome canonical = readCanonical(bytes);
    return canonical != null ? canonical : Json.MAPPER.readValue(bytes, Outcome.class);
  }

  /**
   * The outcome if {@code bytes} are exactly what {@link #write} writes for one (its fields in its order, no
   * white space, strings with nothing to unescape); null otherwise, for the data binder to read.
   */
  static Outcome readCanonical(byte[] bytes) {
    Cursor c = new Cursor(bytes);
    try {
      String eventId = c.expect("{\"eventId\":\"").string();
      String eventType = c.expect("\",\"eventType\":\"").string();
      String sku = c.expect("\",\"sku\":\"").string();
      String subjectId = c.expect("\",\"subjectId\":\"").string();
      Decision decision = Decision.valueOf(c.expect("\",\"decision\":\"").string());
      Reason reason = c.skip("\",\"reason\":\"") ? Reason.valueOf(c.string()) : null;
      long quantity = c.expect("\",\"quantity\":").number();
      long onHand = c.expect(",\"onHand\":").number();
      long reserved = c.expect(",\"reserved\":").number();
      c.expect(",\"available\":").number();
      Instant expiresAt = c.skip(",\"expiresAt\":\"") ? c.time() : null;
      if (expiresAt != null) {
        c.expect("\"");
      }
      boolean duplicate = c.expect(",\"duplicate\":").bool();
      Instant decidedAt = c.expect(",\"decidedAt\":\"").time();
      String position = c.skip("\",\"position\":\"") ? c.string() : null;
      c.expect("\"}").end();
      return new Outcome(eventId, eventType, sku, subjectId, decision, reason, quantity, onHand, reserved,
          expiresAt, duplicate, decidedAt, position);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** Reads the bytes {@link #write} writes, in order; any surprise is an IllegalArgumentException. */
  private static final class Cursor {
    private final byte[] b;
    private int at;

    Cursor(byte[] b) {
      this.b = b;
    }

    Cursor expect(String literal) {
      if (!skip(literal)) {
        throw new IllegalArgumentException("expected " + literal);
      }
      return this;
    }

    boolean skip(String literal) {
      if (at + literal.length() > b.length) {
        return false;
      }
      for (int k = 0; k < literal.length(); k++) {
        if (b[at + k] != literal.charAt(k)) {
          return false;
        }
      }
      at += literal.length();
      return true;
    }

    /** Up to the closing quote, which stays: printable ASCII only, nothing escaped. */
    String string() {
      int from = at;
      while (b[at] != '"') {
        if (b[at] < 0x20 || b[at] > 0x7e || b[at] == '\\') {
          throw new IllegalArgumentException("not a plain string");
        }
        at++;
      }
      return new String(b, from, at - from, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A JSON integer as JSON writes one: an optional minus, no leading zero, that fits a long. */
    long number() {
      int from = at;
      if (b[at] == '-') {
        at++;
      }
      int digits = at;
      while (at < b.length && b[at] >= '0' && b[at] <= '9') {
        at++;
      }
      if (at == digits || at - digits > 19 || (b[digits] == '0' && (at - digits > 1 || digits > from))) {
        throw new IllegalArgumentException("not a canonical integer");
      }
      return Long.parseLong(new String(b, from, at - from, java.nio.charset.StandardCharsets.US_ASCII));
    }

    boolean bool() {
      if (skip("true")) {
        return true;
      }
      expect("false");
      return false;
    }

    Instant time() {
      Instant t = IsoInstants.parse(string());
      if (t == null) {
        throw new IllegalArgumentException("not a canonical time");
      }
      return t;
    }

    void end() {
      if (at != b.length) {
        throw new IllegalArgumentException("trailing bytes");
      }
    }
  }
}
