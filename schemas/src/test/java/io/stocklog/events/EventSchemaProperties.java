package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random events survive the wire, and the JSON Schemas and the records accept exactly the same values:
 * whatever a producer validates against the schema, the projector can read, and nothing the records can
 * hold is refused by the schema.
 */
class EventSchemaProperties {

  private static final String ID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";

  // ---- valid events round-trip -------------------------------------------------------------------

  static Map<Class<?>, Arbitrary<? extends Event>> eventsByType() {
    Map<Class<?>, Arbitrary<? extends Event>> byType = new LinkedHashMap<>();
    byType.put(StockReceived.class, Combinators.combine(ids(), ids(), times(), ids(), quantities())
        .as((e, s, t, r, q) -> new StockReceived(Event.SCHEMA_VERSION, e, s, t, r, q)));
    byType.put(StockAdjusted.class, Combinators.combine(ids(), ids(), times(), ids(), deltas(), reasons())
        .as((e, s, t, a, d, why) -> new StockAdjusted(Event.SCHEMA_VERSION, e, s, t, a, d, why)));
    byType.put(ReservationRequested.class, Combinators.combine(ids(), ids(), times(), ids(), quantities(), holds())
        .as((e, s, t, o, q, h) -> new ReservationRequested(Event.SCHEMA_VERSION, e, s, t, o, q, h)));
    byType.put(ReservationConfirmed.class, Combinators.combine(ids(), ids(), times(), ids())
        .as((e, s, t, o) -> new ReservationConfirmed(Event.SCHEMA_VERSION, e, s, t, o)));
    byType.put(ReservationCancelled.class, Combinators.combine(ids(), ids(), times(), ids())
        .as((e, s, t, o) -> new ReservationCancelled(Event.SCHEMA_VERSION, e, s, t, o)));
    byType.put(ReservationExtended.class, Combinators.combine(ids(), ids(), times(), ids(), holds())
        .as((e, s, t, o, h) -> new ReservationExtended(Event.SCHEMA_VERSION, e, s, t, o, h)));
    byType.put(ClockTick.class, Combinators.combine(ids(), times())
        .as((e, t) -> new ClockTick(Event.SCHEMA_VERSION, e, t)));
    byType.put(OrderPlaced.class, Combinators.combine(ids(), ids(), times(), holds(), orderLines())
        .as((e, o, t, h, lines) -> new OrderPlaced(Event.SCHEMA_VERSION, e, o, t, h, lines)));
    byType.put(OrderConfirmed.class, Combinators.combine(ids(), ids(), times())
        .as((e, o, t) -> new OrderConfirmed(Event.SCHEMA_VERSION, e, o, t)));
    byType.put(OrderCancelled.class, Combinators.combine(ids(), ids(), times())
        .as((e, o, t) -> new OrderCancelled(Event.SCHEMA_VERSION, e, o, t)));
    byType.put(OrderExtended.class, Combinators.combine(ids(), ids(), times(), holds())
        .as((e, o, t, h) -> new OrderExtended(Event.SCHEMA_VERSION, e, o, t, h)));
    byType.put(OrderLineDecided.class, Combinators.combine(ids(), ids(), times(), ids(), steps(),
            Arbitraries.of(LineResult.class), Arbitraries.longs().between(0, Long.MAX_VALUE))
        .as((e, o, t, s, n, r, a) -> new OrderLineDecided(Event.SCHEMA_VERSION, e, o, t, s, n, r, a)));
    byType.put(OrderLineRequested.class, Combinators.combine(ids(), ids(), times(), ids(), steps(),
            Arbitraries.longs().between(1, Checks.MAX_LINE_QUANTITY), times())
        .as((e, s, t, o, n, q, x) -> new OrderLineRequested(Event.SCHEMA_VERSION, e, s, t, o, n, q, x)));
    byType.put(OrderLinePrepared.class, Combinators.combine(ids(), ids(), times(), ids(), steps())
        .as((e, s, t, o, n) -> new OrderLinePrepared(Event.SCHEMA_VERSION, e, s, t, o, n)));
    byType.put(OrderLineConfirmed.class, Combinators.combine(ids(), ids(), times(), ids(), steps())
        .as((e, s, t, o, n) -> new OrderLineConfirmed(Event.SCHEMA_VERSION, e, s, t, o, n)));
    byType.put(OrderLineReleased.class, Combinators.combine(ids(), ids(), times(), ids(), steps())
        .as((e, s, t, o, n) -> new OrderLineReleased(Event.SCHEMA_VERSION, e, s, t, o, n)));
    byType.put(OrderLineExtended.class, Combinators.combine(ids(), ids(), times(), ids(), steps(), times())
        .as((e, s, t, o, n, x) -> new OrderLineExtended(Event.SCHEMA_VERSION, e, s, t, o, n, x)));
    return byType;
  }

  @Example
  void thereIsAGeneratorForEveryEventType() {
    assertThat(eventsByType().keySet()).containsExactlyInAnyOrderElementsOf(Examples.leafEventTypes());
  }

  @Provide
  Arbitrary<Event> events() {
    return Arbitraries.oneOf(eventsByType().values());
  }

  @Property(tries = 2000)
  void validEventEncodesToJsonItsSchemaAcceptsAndDecodesToItself(@ForAll("events") Event event)
      throws Exception {
    byte[] bytes = EventCodec.encode(event);

    assertThat(EventCodec.schemaOf(event.type()).validate(Json.MAPPER.readTree(bytes))).isEmpty();
    Event decoded = EventCodec.decode(bytes);
    assertThat(decoded).isEqualTo(event);
    assertThat(EventCodec.encode(decoded)).isEqualTo(bytes);
  }

  private static Arbitrary<String> ids() {
    return Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64);
  }

  private static Arbitrary<Integer> steps() {
    return Arbitraries.integers().between(1, Integer.MAX_VALUE);
  }

  private static Arbitrary<java.util.List<OrderPlaced.Line>> orderLines() {
    return Combinators.combine(ids(), quantities()).as(OrderPlaced.Line::new)
        .list().ofMinSize(1).ofMaxSize(Checks.MAX_ORDER_LINES);
  }

  private static Arbitrary<Long> quantities() {
    return Arbitraries.longs().between(1, Checks.MAX_QUANTITY);
  }

  private static Arbitrary<Long> deltas() {
    return Arbitraries.longs().between(-Checks.MAX_QUANTITY, Checks.MAX_QUANTITY).filter(d -> d != 0);
  }

  private static Arbitrary<Integer> holds() {
    return Arbitraries.integers().between(1, Checks.MAX_HOLD_SECONDS);
  }

  private static Arbitrary<String> reasons() {
    // A visible first character, then anything (any UTF-16 unit, whitespace, emoji), within 200 code points.
    return Combinators.combine(Arbitraries.chars().alpha(), Arbitraries.strings().all().ofMaxLength(99))
        .as((first, rest) -> first + rest);
  }

  private static Arbitrary<Instant> times() {
    return instantsBetween(Checks.MIN_TIME, Checks.MAX_TIME);
  }

  private static Arbitrary<Instant> instantsBetween(Instant from, Instant to) {
    Arbitrary<Integer> nanos = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000)),
        Tuple.of(1, Arbitraries.integers().between(0, 999_999_999)));
    return Combinators.combine(Arbitraries.longs().between(from.getEpochSecond(), to.getEpochSecond()), nanos)
        .as(Instant::ofEpochSecond)
        .filter(t -> !t.isBefore(from) && !t.isAfter(to));
  }

  // ---- the schema and the records accept the same values -----------------------------------------

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnIds(@ForAll("idLike") String id) {
    for (String[] at : List.of(
        new String[] {StockReceived.TYPE, "eventId"}, new String[] {StockReceived.TYPE, "sku"},
        new String[] {StockReceived.TYPE, "receiptId"}, new String[] {StockAdjusted.TYPE, "adjustmentId"},
        new String[] {ReservationRequested.TYPE, "orderId"}, new String[] {ClockTick.TYPE, "eventId"},
        new String[] {OrderPlaced.TYPE, "orderId"}, new String[] {OrderLineRequested.TYPE, "sku"},
        new String[] {OrderLineDecided.TYPE, "sku"}, new String[] {OrderLineReleased.TYPE, "orderId"})) {
      assertAgree(at[0], at[1], TextNode.valueOf(id), () -> Checks.id(at[1], id));
    }
  }

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnQuantities(@ForAll("longsNearTheBounds") long quantity) {
    assertAgree(StockReceived.TYPE, "quantity", LongNode.valueOf(quantity), () -> Checks.quantity("quantity", quantity));
    assertAgree(ReservationRequested.TYPE, "quantity", LongNode.valueOf(quantity), () -> Checks.quantity("quantity", quantity));
    ObjectNode line = Json.MAPPER.createObjectNode().put("sku", "sku-1").put("quantity", quantity);
    assertAgree(OrderPlaced.TYPE, "lines", Json.MAPPER.createArrayNode().add(line),
        () -> Checks.quantity("quantity", quantity));
    long lineQuantity = quantity < 0 ? quantity : quantity * 100;
    assertAgree(OrderLineRequested.TYPE, "quantity", LongNode.valueOf(lineQuantity),
        () -> Checks.lineQuantity("quantity", lineQuantity));
  }

  @Property(tries = 300)
  void schemaAndRecordsAgreeOnHowManyLinesAnOrderHas(@ForAll("lineCounts") int count) {
    com.fasterxml.jackson.databind.node.ArrayNode lines = Json.MAPPER.createArrayNode();
    for (int i = 0; i < count; i++) {
      lines.add(Json.MAPPER.createObjectNode().put("sku", "sku-" + i).put("quantity", 1));
    }
    assertAgree(OrderPlaced.TYPE, "lines", lines,
        () -> Checks.lines("lines", java.util.Collections.nCopies(count, "line")));
  }

  @Provide
  Arbitrary<Integer> lineCounts() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(Checks.MAX_ORDER_LINES - 2, Checks.MAX_ORDER_LINES + 2));
  }

  @Property(tries = 1000)
  void schemaAndRecordsAgreeOnStepsAndAvailableUnits(@ForAll("intsNearTheBounds") int step,
      @ForAll("longsNearTheBounds") long available) {
    assertAgree(OrderLinePrepared.TYPE, "step", IntNode.valueOf(step), () -> Checks.step("step", step));
    assertAgree(OrderLineDecided.TYPE, "step", IntNode.valueOf(step), () -> Checks.step("step", step));
    assertAgree(OrderLineDecided.TYPE, "available", LongNode.valueOf(available),
        () -> Checks.available("available", available));
  }

  @Property(tries = 300)
  void schemaAndRecordsAgreeOnLineResults(@ForAll("resultLike") String result) {
    assertAgree(OrderLineDecided.TYPE, "result", TextNode.valueOf(result), () -> LineResult.of(result));
  }

  @Provide
  Arbitrary<String> resultLike() {
    return Arbitraries.oneOf(Arbitraries.of(LineResult.class).map(LineResult::name),
        Arbitraries.of(LineResult.class).map(r -> r.name().toLowerCase(java.util.Locale.ROOT)),
        Arbitraries.of("", "HELD ", "CONFIRMED", "0"));
  }

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnDeltas(@ForAll("longsNearTheBounds") long delta) {
    assertAgree(StockAdjusted.TYPE, "delta", LongNode.valueOf(delta), () -> Checks.delta("delta", delta));
  }

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnHoldSeconds(@ForAll("intsNearTheBounds") int hold) {
    assertAgree(ReservationRequested.TYPE, "holdSeconds", IntNode.valueOf(hold), () -> Checks.holdSeconds("holdSeconds", hold));
    assertAgree(ReservationExtended.TYPE, "holdSeconds", IntNode.valueOf(hold), () -> Checks.holdSeconds("holdSeconds", hold));
    assertAgree(OrderPlaced.TYPE, "holdSeconds", IntNode.valueOf(hold), () -> Checks.holdSeconds("holdSeconds", hold));
    assertAgree(OrderExtended.TYPE, "holdSeconds", IntNode.valueOf(hold), () -> Checks.holdSeconds("holdSeconds", hold));
  }

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnReasons(@ForAll("reasonLike") String reason) {
    assertAgree(StockAdjusted.TYPE, "reason", TextNode.valueOf(reason), () -> Checks.reason("reason", reason));
  }

  @Property(tries = 2000)
  void schemaAndRecordsAgreeOnTimes(@ForAll("anyEraInstants") Instant time) {
    JsonNode written = Json.MAPPER.valueToTree(time);
    assertAgree(ClockTick.TYPE, "occurredAt", written, () -> Checks.time("occurredAt", time));
    assertAgree(ReservationCancelled.TYPE, "occurredAt", written, () -> Checks.time("occurredAt", time));
    assertAgree(OrderConfirmed.TYPE, "occurredAt", written, () -> Checks.time("occurredAt", time));
    assertAgree(OrderLineRequested.TYPE, "expiresAt", written, () -> Checks.time("expiresAt", time));
    assertAgree(OrderLineExtended.TYPE, "expiresAt", written, () -> Checks.time("expiresAt", time));
  }

  /**
   * With {@code field} set to {@code value} in a valid example of {@code type}: the schema accepts it
   * exactly when the record's check does, and {@link EventCodec#decode(JsonNode)} exactly when both do.
   */
  private static void assertAgree(String type, String field, JsonNode value, Runnable recordCheck) {
    ObjectNode tree = validTree(type);
    tree.set(field, value);

    boolean schemaAccepts = EventCodec.schemaOf(type).validate(tree).isEmpty();
    boolean recordAccepts = accepts(recordCheck);
    boolean decodes = accepts(() -> {
      try {
        EventCodec.decode(tree);
      } catch (InvalidEventException e) {
        throw new IllegalArgumentException(e);
      }
    });

    assertThat(schemaAccepts).as("%s.%s = %s: schema accepts (record accepts: %s)", type, field, value, recordAccepts)
        .isEqualTo(recordAccepts);
    assertThat(decodes).as("%s.%s = %s decodes", type, field, value).isEqualTo(schemaAccepts);
  }

  private static boolean accepts(Runnable check) {
    try {
      check.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static ObjectNode validTree(String type) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(Examples.valid(type + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> idLike() {
    Arbitrary<String> allowed = Arbitraries.strings().withChars(ID_CHARS).ofMinLength(0).ofMaxLength(70);
    Arbitrary<Character> foreign = Arbitraries.of(
        ' ', '\t', '\n', '\r', '\u0000', '\u0085', '\u00A0', '\u2028', '\u2029', 'é', '/', '+', '#', '\uFF21', '\u0661');
    Arbitrary<String> withForeign = Combinators.combine(allowed, foreign, Arbitraries.integers().between(0, 70))
        .as((s, c, i) -> s.substring(0, Math.min(i, s.length())) + c + s.substring(Math.min(i, s.length())));
    return Arbitraries.frequencyOf(
        Tuple.of(4, allowed),
        Tuple.of(4, withForeign),
        Tuple.of(1, allowed.map(s -> s + "\n")),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(70)));
  }

  @Provide
  Arbitrary<Long> longsNearTheBounds() {
    long max = Checks.MAX_QUANTITY;
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.longs().between(-3, 3),
        Arbitraries.longs().between(max - 3, max + 3),
        Arbitraries.longs().between(-max - 3, -max + 3),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1));
  }

  @Provide
  Arbitrary<Integer> intsNearTheBounds() {
    int max = Checks.MAX_HOLD_SECONDS;
    return Arbitraries.oneOf(
        Arbitraries.integers(),
        Arbitraries.integers().between(-3, 3),
        Arbitraries.integers().between(max - 3, max + 3),
        Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Provide
  Arbitrary<String> reasonLike() {
    Arbitrary<Character> spaces = Arbitraries.of(' ', '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001F',
        '\u0085', '\u00A0', '\u1680', '\u2003', '\u2007', '\u2028', '\u202F', '\u3000', '\uFEFF');
    Arbitrary<String> blankish = spaces.list().ofMaxSize(6).map(cs -> join(cs.stream().map(String::valueOf).toList()));
    Arbitrary<String> letters = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(195).ofMaxLength(205);
    Arbitrary<String> emoji = Arbitraries.integers().between(0x1F600, 0x1F64F).list().ofMinSize(98).ofMaxSize(205)
        .map(cps -> join(cps.stream().map(Character::toString).toList()));
    return Arbitraries.frequencyOf(
        Tuple.of(3, blankish),
        Tuple.of(2, Combinators.combine(blankish, Arbitraries.chars().alpha(), blankish).as((a, c, b) -> a + c + b)),
        Tuple.of(2, letters),
        Tuple.of(2, emoji),
        Tuple.of(2, Combinators.combine(emoji, letters).as((e, l) -> e + l.substring(0, Math.min(l.length(), 100)))),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(210)));
  }

  @Provide
  Arbitrary<Instant> anyEraInstants() {
    Arbitrary<Instant> edges = Arbitraries.of(
        Checks.MIN_TIME, Checks.MIN_TIME.minusNanos(1), Checks.MAX_TIME, Checks.MAX_TIME.plusNanos(1),
        Instant.EPOCH, Instant.MIN, Instant.MAX);
    return Arbitraries.frequencyOf(
        Tuple.of(1, edges),
        Tuple.of(4, instantsBetween(Instant.parse("-2000-01-01T00:00:00Z"), Instant.parse("+12000-01-01T00:00:00Z"))));
  }

  private static String join(List<String> parts) {
    return String.join("", parts);
  }
}
