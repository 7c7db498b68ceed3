package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast path of the codec ({@link EventJson}) against the careful one (strict binding, then the schema):
 * it writes the data binder's bytes, reads back every valid event, and for any record, however mangled, either
 * steps aside (null) or decodes exactly what the careful path decodes. It never takes what the careful path
 * refuses.
 */
class EventJsonTest {

  @Provide
  Arbitrary<Event> events() {
    return Arbitraries.oneOf(EventSchemaProperties.eventsByType().values());
  }

  @Property(tries = 2000)
  void writesTheDataBindersBytesAndReadsThemBack(@ForAll("events") Event event) throws Exception {
    byte[] bytes = EventJson.write(event);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(new String(Json.MAPPER.writeValueAsBytes(event), StandardCharsets.UTF_8));
    assertThat(EventJson.read(bytes)).isEqualTo(event);
  }

  @Property(tries = 5000)
  void aMangledRecordIsLeftToTheCarefulPathOrDecodedExactlyAsItDecodesIt(@ForAll("events") Event event,
      @ForAll("mangles") Mangle mangle) throws Exception {
    byte[] bytes = mangle.apply(EventJson.write(event));
    Event fast = EventJson.read(bytes);
    if (fast == null) {
      return;
    }
    Event careful;
    try {
      careful = EventCodec.decodeCarefully(bytes);
    } catch (InvalidEventException e) {
      throw new AssertionError("the fast path took " + new String(bytes, StandardCharsets.UTF_8)
          + " as " + fast + ", the careful path refuses it: " + e.getMessage());
    }
    assertThat(fast).isEqualTo(careful);
  }

  @Example
  void recordsOutsideTheCanonicalShapeAreLeftToTheCarefulPath() {
    for (String json : List.of(
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00+00:00\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-01-01t00:00:00z\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2016-12-31T23:59:60Z\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-02-30T00:00:00Z\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1.0,\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"eventId\":\"f\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\"} {}",
        "{\"type\":\"ClockTick\",\"schemaVersion\":1,\"eventId\":\"e\",\"sku\":\"s\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}",
        "{\"type\":\"StockReceived\",\"schemaVersion\":1,\"eventId\":\"e\",\"sku\":\"s\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"receiptId\":\"r\",\"quantity\":2.0}",
        "{\"type\":\"StockReceived\",\"schemaVersion\":1,\"eventId\":\"e\",\"sku\":\"s\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"receiptId\":\"r\",\"quantity\":\"2\"}",
        "{\"type\":\"StockReceived\",\"schemaVersion\":1,\"eventId\":\"e\",\"sku\":\"s\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"receiptId\":\"r\",\"quantity\":0}")) {
      assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8))).as(json).isNull();
    }
  }

  /** A change a producer in another language might make, or a corruption. */
  record Mangle(int kind, int field, long value) {

    byte[] apply(byte[] bytes) throws Exception {
      ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(bytes);
      List<String> names = new ArrayList<>();
      tree.fieldNames().forEachRemaining(names::add);
      String name = names.get((int) Math.floorMod(field, names.size()));
      JsonNode old = tree.get(name);
      switch (kind) {
        case 0 -> tree.remove(name);
        case 1 -> tree.put("unexpected", value);
        case 2 -> tree.putNull(name);
        case 3 -> tree.put(name, old.isNumber() ? old.asText() : Long.toString(value));
        case 4 -> tree.put(name, old.isTextual() ? value : old.asLong());
        case 5 -> tree.put(name, (double) value);
        case 6 -> tree.put(name, value);
        case 7 -> tree.put(name, old.asText() + "x");
        case 8 -> tree.put(name, old.isTextual() ? old.asText().replace("Z", "+00:00") : old.asText());
        case 9 -> tree.put(name, old.isTextual() && old.asText().length() > 20 ? old.asText().substring(0, 19) + "Z"
            : old.asText());
        case 10 -> tree.put("type", List.of("StockReceived", "StockAdjusted", "ReservationRequested",
            "ReservationConfirmed", "ReservationCancelled", "ReservationExtended", "ClockTick", "Other")
            .get((int) Math.floorMod(value, 8)));
        default -> {
          // Reordered: the same fields, last first.
          ObjectNode reordered = Json.MAPPER.createObjectNode();
          for (int i = names.size() - 1; i >= 0; i--) {
            reordered.set(names.get(i), tree.get(names.get(i)));
          }
          return Json.MAPPER.writeValueAsBytes(reordered);
        }
      }
      return Json.MAPPER.writeValueAsBytes(tree);
    }
  }

  @Provide
  Arbitrary<Mangle> mangles() {
    return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.integers(),
        Arbitraries.oneOf(Arbitraries.longs().between(-3, 3), Arbitraries.longs(),
            Arbitraries.of(0L, 1L, 86_400L, 86_401L, 1_000_000_000L, 1_000_000_001L, Integer.MAX_VALUE + 1L)))
        .as(Mangle::new);
  }
}
