package io.stocklog.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

  static List<String> validNames() {
    return Examples.validNames();
  }

  static Stream<Arguments> invalidExamples() {
    return Examples.invalidIndex().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  static List<Event> samples() {
    return Examples.sampleEvents();
  }

  /** The wire names, spelled out: renaming a TYPE constant would break every producer and the log. */
  private static String wireName(Event event) {
    return switch (event) {
      case StockReceived e -> "StockReceived";
      case StockAdjusted e -> "StockAdjusted";
      case ReservationRequested e -> "ReservationRequested";
      case ReservationConfirmed e -> "ReservationConfirmed";
      case ReservationCancelled e -> "ReservationCancelled";
      case ReservationExtended e -> "ReservationExtended";
      case ClockTick e -> "ClockTick";
      case OrderPlaced e -> "OrderPlaced";
      case OrderConfirmed e -> "OrderConfirmed";
      case OrderCancelled e -> "OrderCancelled";
      case OrderExtended e -> "OrderExtended";
      case OrderLineDecided e -> "OrderLineDecided";
      case OrderLineRequested e -> "OrderLineRequested";
      case OrderLinePrepared e -> "OrderLinePrepared";
      case OrderLineConfirmed e -> "OrderLineConfirmed";
      case OrderLineReleased e -> "OrderLineReleased";
      case OrderLineExtended e -> "OrderLineExtended";
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validNames")
  void validExampleDecodesAndReencodesToTheSameJson(String name) throws Exception {
    byte[] file = Examples.valid(name);
    JsonNode expected = Json.MAPPER.readTree(file);

    Event event = EventCodec.decode(file);
    byte[] encoded = EventCodec.encode(event);

    assertThat(name).startsWith(event.type() + ".");
    assertThat(Json.MAPPER.readTree(encoded)).isEqualTo(expected);
    // Same text, so the same property order: the example is canonical and encode keeps that order.
    assertThat(new String(encoded, UTF_8)).isEqualTo(Json.MAPPER.writeValueAsString(expected));
    assertThat(Json.MAPPER.writeValueAsString(EventCodec.toTree(event))).isEqualTo(Json.MAPPER.writeValueAsString(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void invalidExampleIsRejectedWithAMessageNamingTheProblem(String name, String expectedProblem) {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(Examples.invalid(name)))
        .withMessageContaining(expectedProblem);
  }

  @Test
  void invalidIndexListsEveryInvalidExampleAndNothingElse() {
    assertThat(Examples.invalidIndex().keySet()).containsExactlyInAnyOrderElementsOf(Examples.invalidNames());
  }

  @Test
  void everyEventTypeHasASchemaFileAndAValidExample() {
    for (Class<?> leaf : Examples.leafEventTypes()) {
      String type = Examples.typeNameOf(leaf);
      assertThat(Event.class.getClassLoader().getResource(EventCodec.SCHEMA_FOLDER + type + ".schema.json"))
          .as("schema file for %s", type).isNotNull();
      assertThat(EventCodec.schemaOf(type)).as("loaded schema for %s", type).isNotNull();
      assertThat(Examples.validNames()).as("valid example for %s", type).contains(type + ".json");
    }
  }

  @Test
  void everySchemaFileAndValidExampleBelongsToAnEventType() throws Exception {
    List<String> types = Examples.leafEventTypes().stream().map(Examples::typeNameOf).toList();
    try (Stream<java.nio.file.Path> files = Files.list(Examples.folder(EventCodec.SCHEMA_FOLDER))) {
      assertThat(files.map(p -> p.getFileName().toString().replace(".schema.json", "")))
          .containsExactlyInAnyOrderElementsOf(types);
    }
    assertThat(Examples.validNames()).allSatisfy(name -> assertThat(types).contains(name.substring(0, name.indexOf('.'))));
  }

  @Test
  void typeNamesAreExactlyTheLeavesOfTheSealedHierarchy() {
    List<Class<?>> leaves = Examples.leafEventTypes();
    assertThat(EventCodec.typeNames()).containsExactlyInAnyOrderElementsOf(leaves.stream().map(Examples::typeNameOf).toList());
    for (Class<?> leaf : leaves) {
      assertThat(EventCodec.classOf(Examples.typeNameOf(leaf))).isEqualTo(leaf);
    }
    JsonSubTypes.Type[] subTypes = Event.class.getAnnotation(JsonSubTypes.class).value();
    assertThat(Arrays.stream(subTypes).map(t -> t.name() + "=" + t.value().getSimpleName()))
        .containsExactlyInAnyOrderElementsOf(leaves.stream().map(l -> Examples.typeNameOf(l) + "=" + l.getSimpleName()).toList());
  }

  @Test
  void thereIsASampleOfEveryEventType() {
    assertThat(samples().stream().map(Object::getClass).toList())
        .containsExactlyInAnyOrderElementsOf(Examples.leafEventTypes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleEncodesUnderItsWireNameToJsonItsSchemaAccepts(Event event) throws Exception {
    JsonNode json = Json.MAPPER.readTree(EventCodec.encode(event));

    assertThat(event.type()).isEqualTo(wireName(event));
    assertThat(json.get("type").asText()).isEqualTo(wireName(event));
    assertThat(EventCodec.schemaOf(event.type()).validate(json)).isEmpty();
    assertThat(EventCodec.decode(json)).isEqualTo(event);
  }

  @Test
  void emptyRecordIsRejected() {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode((byte[]) null))
        .withMessageContaining("empty record");
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(new byte[0]))
        .withMessageContaining("empty record");
  }

  @Test
  void missingTreeIsRejected() {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode((JsonNode) null))
        .withMessage("expected a JSON object with a \"type\" field, got nothing");
  }

  @Test
  void everyProblemOfARecordIsReportedSortedInOneMessage() throws Exception {
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Examples.valid("StockReceived.json"));
    tree.put("quantity", 0).put("receiptId", "r 1");

    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(tree))
        .withMessage("$.quantity: must have a minimum value of 1; "
            + "$.receiptId: does not match the regex pattern ^[A-Za-z0-9._:-]{1,64}$");
  }

  @Test
  void longUnknownTypeIsAbbreviatedInTheMessage() throws Exception {
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Examples.valid("ClockTick.json"));
    tree.put("type", "X".repeat(10_000));

    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(tree))
        .withMessageStartingWith("$.type: unknown event type '" + "X".repeat(64) + "...'");
  }

  /**
   * JSON Schema calls 100.0 an integer, and so does every validator a producer may use (ajv reads it as the
   * number 100): the codec reads it as the integer it is instead of dead-lettering what the schema accepts.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"100.0", "100.000", "1e2", "1E+2", "1.0E2", "10000e-2"})
  void anIntegralNumberWrittenWithAFractionOrExponentIsTheIntegerItIs(String quantity) throws Exception {
    String json = new String(Examples.valid("StockReceived.json"), UTF_8).replaceFirst("\"quantity\"\\s*:\\s*\\d+", "\"quantity\": " + quantity);
    assertThat(json).contains("\"quantity\": " + quantity);

    assertThat(EventCodec.schemaOf(StockReceived.TYPE).validate(Json.MAPPER.readTree(json))).isEmpty();
    StockReceived decoded = (StockReceived) EventCodec.decode(json.getBytes(UTF_8));
    assertThat(decoded.quantity()).isEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"100.5", "1e-2", "1.0000001e2"})
  void aNumberWithAFractionIsRefusedByTheSchemaAsNotAnInteger(String quantity) throws Exception {
    String json = new String(Examples.valid("StockReceived.json"), UTF_8).replaceFirst("\"quantity\"\\s*:\\s*\\d+", "\"quantity\": " + quantity);

    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(json.getBytes(UTF_8)))
        .withMessageContaining("$.quantity: number found, integer expected");
  }

  /** Jackson's messages name its source, types and features; a producer needs the problem and where it is. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void noRejectionQuotesJacksonsInternals(String name, String expectedProblem) {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(Examples.invalid(name)))
        .satisfies(e -> assertThat(e.getMessage()).as(name)
            .doesNotContain("[Source", "REDACTED", "`", "com.fasterxml", "Feature", "bound as"));
  }

  @Test
  void anUnclosedObjectSaysWhereItOpenedAndWhereTheTextEnded() {
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode("{\"type\": \"ClockTick\"".getBytes(UTF_8)))
        .withMessage("not valid JSON: Unexpected end-of-input: expected close marker for Object "
            + "(opened at line 1, column 1) (at line 1, column 21)");
  }

  @Test
  void timeWithAnOffsetDecodesToTheSameInstantAndEncodesInUtc() throws Exception {
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Examples.valid("ClockTick.json"));
    tree.put("occurredAt", "2026-11-22T11:15:30+01:00");

    Event event = EventCodec.decode(tree);

    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30Z"));
    assertThat(EventCodec.toTree(event).get("occurredAt").asText()).isEqualTo("2026-11-22T10:15:30Z");
  }

  @Test
  void schemaPatternDollarMeansEndOfInputAsInEcmaScript() {
    assertThat(EventCodec.ecmaScriptAnchored("^a$").matches("a")).isTrue();
    assertThat(EventCodec.ecmaScriptAnchored("^a$").matches("a\n")).isFalse();
    assertThat(EventCodec.ecmaScriptAnchored("^a$").matches("a\r\n")).isFalse();
    assertThat(EventCodec.ecmaScriptAnchored("^a$").matches("a\u2028")).isFalse();
  }

  @Test
  void schemaPatternKeepsEscapedAndClassDollarsLiteral() {
    assertThat(EventCodec.ecmaScriptAnchored("^\\$[$]$").matches("$$")).isTrue();
    assertThat(EventCodec.ecmaScriptAnchored("\\S").matches(" x ")).isTrue();
    assertThat(EventCodec.ecmaScriptAnchored("\\S").matches(" \t ")).isFalse();
  }

  @Test
  void anOrderLineQuantityWrittenAsAnIntegralFloatIsReadAsTheIntegerItIsAndAFractionIsRefused() throws Exception {
    String placed = "{\"type\":\"OrderPlaced\",\"schemaVersion\":1,\"eventId\":\"e-1\",\"orderId\":\"o-9\","
        + "\"occurredAt\":\"2026-11-22T10:15:30Z\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"a\",\"quantity\":%s}]}";

    Event event = EventCodec.decode(String.format(placed, "2.0").getBytes(UTF_8));

    assertThat(((OrderPlaced) event).lines()).containsExactly(new OrderPlaced.Line("a", 2));
    assertThatExceptionOfType(InvalidEventException.class)
        .isThrownBy(() -> EventCodec.decode(String.format(placed, "2.5").getBytes(UTF_8)))
        .withMessageContaining("$.lines[0].quantity");
  }

  @Test
  void typeNamesAreInCatalogueOrder() {
    assertThat(EventCodec.typeNames()).containsExactly(
        "StockReceived", "StockAdjusted", "ReservationRequested", "ReservationConfirmed",
        "ReservationCancelled", "ReservationExtended", "ClockTick", "OrderPlaced", "OrderConfirmed",
        "OrderCancelled", "OrderExtended", "OrderLineRequested", "OrderLinePrepared", "OrderLineConfirmed",
        "OrderLineReleased", "OrderLineExtended", "OrderLineDecided");
    assertThat(EventCodec.classOf("Nope")).isNull();
    assertThat(EventCodec.schemaOf("Nope")).isNull();
  }
}
