package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema files in {@code json-schema/} say what the records say: same fields, order and bounds. */
class EventSchemasTest {

  private static final String ID_PATTERN = "^" + Checks.ID.pattern() + "$";

  static List<Class<?>> eventTypes() {
    return Examples.leafEventTypes();
  }

  private static JsonNode schemaFile(Class<?> type) throws IOException {
    String resource = EventCodec.SCHEMA_FOLDER + Examples.typeNameOf(type) + ".schema.json";
    try (InputStream in = EventSchemasTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return Json.MAPPER.readTree(in);
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> jsonFields(Class<?> type) {
    List<String> fields = new ArrayList<>(List.of("type"));
    Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).forEach(fields::add);
    return fields;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void propertyOrderIsTheTypeThenTheRecordComponents(Class<?> type) {
    assertThat(type.isRecord()).isTrue();
    assertThat(type.getAnnotation(JsonPropertyOrder.class).value()).containsExactlyElementsOf(jsonFields(type));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void schemaListsTheRecordFieldsInOrderAllRequiredAndNoOthers(Class<?> type) throws IOException {
    JsonNode schema = schemaFile(type);

    assertThat(names(schema.get("properties"))).containsExactlyElementsOf(jsonFields(type));
    assertThat(schema.get("required")).extracting(JsonNode::asText).containsExactlyElementsOf(jsonFields(type));
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(schema.get("type").asText()).isEqualTo("object");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void schemaIsNamedForItsTypeAndVersion(Class<?> type) throws IOException {
    JsonNode schema = schemaFile(type);
    String name = Examples.typeNameOf(type);

    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("$id").asText()).isEqualTo("urn:stocklog:event:" + name + ":v" + Event.SCHEMA_VERSION);
    assertThat(schema.get("title").asText()).isEqualTo(name);
    assertThat(schema.at("/properties/type/const").asText()).isEqualTo(name);
    assertThat(schema.at("/properties/schemaVersion/const").asInt()).isEqualTo(Event.SCHEMA_VERSION);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void schemaBoundsAreTheBoundsInChecks(Class<?> type) throws IOException {
    JsonNode properties = schemaFile(type).get("properties");

    for (String field : names(properties)) {
      JsonNode p = properties.get(field);
      switch (field) {
        case "type", "schemaVersion" -> assertThat(p.has("const")).isTrue();
        case "eventId", "sku", "receiptId", "adjustmentId", "orderId" -> {
          assertThat(p.get("type").asText()).as(field).isEqualTo("string");
          assertThat(p.get("pattern").asText()).as(field).isEqualTo(ID_PATTERN);
        }
        case "occurredAt" -> {
          assertThat(p.get("type").asText()).isEqualTo("string");
          assertThat(p.get("format").asText()).isEqualTo("date-time");
        }
        case "quantity" -> assertIntegerBetween(p, 1,
            type == OrderLineRequested.class ? Checks.MAX_LINE_QUANTITY : Checks.MAX_QUANTITY);
        case "expiresAt" -> {
          assertThat(p.get("type").asText()).isEqualTo("string");
          assertThat(p.get("format").asText()).isEqualTo("date-time");
        }
        case "step" -> assertIntegerBetween(p, 1, Integer.MAX_VALUE);
        case "available" -> assertIntegerBetween(p, 0, Long.MAX_VALUE);
        case "result" -> {
          assertThat(p.get("type").asText()).isEqualTo("string");
          assertThat(p.get("enum")).extracting(JsonNode::asText)
              .containsExactlyElementsOf(Arrays.stream(LineResult.values()).map(Enum::name).toList());
        }
        case "lines" -> {
          assertThat(p.get("type").asText()).isEqualTo("array");
          assertThat(p.get("minItems").asInt()).isEqualTo(1);
          assertThat(p.get("maxItems").asInt()).isEqualTo(Checks.MAX_ORDER_LINES);
          JsonNode line = p.get("items");
          assertThat(names(line.get("properties"))).containsExactly("sku", "quantity");
          assertThat(line.get("required")).extracting(JsonNode::asText).containsExactly("sku", "quantity");
          assertThat(line.get("additionalProperties").asBoolean(true)).isFalse();
          assertThat(line.at("/properties/sku/pattern").asText()).isEqualTo(ID_PATTERN);
          assertIntegerBetween(line.at("/properties/quantity"), 1, Checks.MAX_QUANTITY);
        }
        case "delta" -> {
          assertIntegerBetween(p, -Checks.MAX_QUANTITY, Checks.MAX_QUANTITY);
          assertThat(p.at("/not/const").isNumber() && p.at("/not/const").asLong() == 0).as("delta excludes 0").isTrue();
        }
        case "holdSeconds" -> assertIntegerBetween(p, 1, Checks.MAX_HOLD_SECONDS);
        case "reason" -> {
          assertThat(p.get("type").asText()).isEqualTo("string");
          assertThat(p.get("minLength").asInt()).isEqualTo(1);
          assertThat(p.get("maxLength").asInt()).isEqualTo(Checks.MAX_REASON_LENGTH);
          assertThat(p.get("pattern").asText()).as("the records' own pattern, the same in every regex dialect")
              .isEqualTo(Checks.NOT_BLANK_PATTERN);
        }
        default -> throw new AssertionError("no check for field " + field + " of " + type.getSimpleName()
            + "; say here what its schema must match in the record");
      }
    }
  }

  private static void assertIntegerBetween(JsonNode p, long min, long max) {
    assertThat(p.get("type").asText()).isEqualTo("integer");
    assertThat(p.get("minimum").asLong()).isEqualTo(min);
    assertThat(p.get("maximum").asLong()).isEqualTo(max);
  }
}
