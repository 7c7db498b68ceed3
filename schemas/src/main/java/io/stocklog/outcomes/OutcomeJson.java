package io.stocklog.outcomes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.stocklog.json.IsoInstants;
import io.stocklog.json.Json;
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

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private OutcomeJson() {}

  /** The outcome's JSON, byte for byte what {@link Json#MAPPER} writes. */
  public static byte[] write(Outcome o) {
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

  /** The outcome if {@code bytes} hold one in the shape {@link #write} writes; null otherwise. */
  static Outcome readCanonical(byte[] bytes) {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String eventId = null;
      String eventType = null;
      String sku = null;
      String subjectId = null;
      Decision decision = null;
      Reason reason = null;
      Instant expiresAt = null;
      Instant decidedAt = null;
      String position = null;
      long quantity = 0;
      long onHand = 0;
      long reserved = 0;
      boolean duplicate = false;
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String name = p.currentName();
        JsonToken v = p.nextToken();
        int bit;
        switch (name) {
          case "eventId" -> {
            bit = 1;
            eventId = text(p, v);
          }
          case "eventType" -> {
            bit = 1 << 1;
            eventType = text(p, v);
          }
          case "sku" -> {
            bit = 1 << 2;
            sku = text(p, v);
          }
          case "subjectId" -> {
            bit = 1 << 3;
            subjectId = text(p, v);
          }
          case "decision" -> {
            bit = 1 << 4;
            String d = text(p, v);
            decision = d == null ? null : Decision.valueOf(d);
          }
          case "reason" -> {
            bit = 1 << 5;
            String r = text(p, v);
            if (r == null) {
              return null;
            }
            reason = Reason.valueOf(r);
          }
          case "quantity" -> {
            bit = 1 << 6;
            quantity = number(p, v);
          }
          case "onHand" -> {
            bit = 1 << 7;
            onHand = number(p, v);
          }
          case "reserved" -> {
            bit = 1 << 8;
            reserved = number(p, v);
          }
          case "available" -> {
            bit = 1 << 9;
            number(p, v);
          }
          case "expiresAt" -> {
            bit = 1 << 10;
            expiresAt = time(p, v);
          }
          case "duplicate" -> {
            bit = 1 << 11;
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
              return null;
            }
            duplicate = v == JsonToken.VALUE_TRUE;
          }
          case "decidedAt" -> {
            bit = 1 << 12;
            decidedAt = time(p, v);
          }
          case "position" -> {
            bit = 1 << 13;
            position = text(p, v);
            if (position == null) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
        if ((seen & bit) != 0) {
          return null;
        }
        seen |= bit;
      }
      // Every field the writer always writes must be there (the rest are optional).
      int always = 0b01_1011_1101_1111;
      if ((seen & always) != always || p.nextToken() != null || eventId == null || eventType == null || sku == null
          || subjectId == null || decision == null || decidedAt == null) {
        return null;
      }
      return new Outcome(eventId, eventType, sku, subjectId, decision, reason, quantity, onHand, reserved,
          expiresAt, duplicate, decidedAt, position);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  private static long number(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT || (p.getNumberType() != JsonParser.NumberType.INT
        && p.getNumberType() != JsonParser.NumberType.LONG)) {
      throw new IllegalArgumentException("not a whole number");
    }
    return p.getLongValue();
  }

  private static Instant time(JsonParser p, JsonToken v) throws IOException {
    Instant t = v == JsonToken.VALUE_STRING ? IsoInstants.parse(p.getText()) : null;
    if (t == null) {
      throw new IllegalArgumentException("not a canonical time");
    }
    return t;
  }
}
