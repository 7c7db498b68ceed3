package io.stocklog.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.networknt.schema.JsonSchema;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import io.stocklog.json.Json;
import io.stocklog.json.JsonErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes events as JSON. Decoding reads an event in the canonical shape in one pass over its tokens
 * ({@link EventJson}: the way almost every record goes); any other record is bound strictly to its
 * {@code type}'s record (a well-formed event needs nothing more: its compact constructor has checked it), and
 * only a record that does not bind is checked against the JSON Schema of its type (the same files upstream
 * producers validate against), so whatever is wrong with it is reported by field: {@code "$.quantity: must have
 * a minimum value of 1"}. A record the schema accepts but the strict binding does not is refused with the
 * binding's reason. The fast way only takes what the careful way takes, and decodes it the same.
 *
 * <p>The schema decides, not the Java types: a number with no fractional part is an integer however it is
 * written ({@code 2}, {@code 2.0}, {@code 1e2}), as JSON Schema says and every validator (ajv among them) agrees,
 * so such a number is read as the integer it is instead of being dead-lettered (by the careful way: the fast
 * one leaves every number that is not a plain JSON integer to it). A JSON number is compared by value as parsed
 * into a double, as JavaScript validators see it.
 */
public final class EventCodec {

  /** Where the schema files live on the classpath, one per event type: {@code <Type>.schema.json}. */
  public static final String SCHEMA_FOLDER = "json-schema/";

  private static final Map<String, Class<? extends Event>> TYPES = types();
  private static final Map<String, JsonSchema> SCHEMAS = loadSchemas();

  private EventCodec() {}

  /** The JSON type names, in catalogue order. */
  public static Set<String> typeNames() {
    return TYPES.keySet();
  }

  public static Class<? extends Event> classOf(String typeName) {
    return TYPES.get(typeName);
  }

  public static JsonSchema schemaOf(String typeName) {
    return SCHEMAS.get(typeName);
  }

  /** The event's JSON: its fields in their declared order, as the data binder writes them ({@link EventJson}). */
  public static byte[] encode(Event event) {
    return EventJson.write(event);
  }

  public static JsonNode toTree(Event event) {
    return Json.MAPPER.valueToTree(event);
  }

  public static Event decode(byte[] bytes) throws InvalidEventException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidEventException("empty record: expected a JSON event");
    }
    Event canonical = EventJson.read(bytes);
    return canonical != null ? canonical : decodeCarefully(bytes);
  }

  /** The way every record went before {@link EventJson}: parse, bind strictly, else say what is wrong. */
  static Event decodeCarefully(byte[] bytes) throws InvalidEventException {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidEventException("not valid JSON: " + originalMessage(e), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidEventException("empty record: expected a JSON event");
    }
    return decode(tree);
  }

  public static Event decode(JsonNode tree) throws InvalidEventException {
    if (tree == null || !tree.isObject()) {
      throw new InvalidEventException("expected a JSON object with a \"type\" field, got " + kindOf(tree));
    }
    JsonNode typeNode = tree.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw new InvalidEventException("$.type: is required and must be one of " + TYPES.keySet());
    }
    String type = typeNode.asText();
    Class<? extends Event> target = TYPES.get(type);
    if (target == null) {
      throw new InvalidEventException(
          "$.type: unknown event type '" + abbreviate(type) + "'; expected one of " + TYPES.keySet());
    }
    Event fast = bindStrictly(tree);
    if (fast != null) {
      return fast;
    }
    Set<ValidationMessage> problems = SCHEMAS.get(type).validate(tree);
    if (!problems.isEmpty()) {
      throw new InvalidEventException(problems.stream()
          .map(EventCodec::describe)
          .sorted(Comparator.naturalOrder())
          .collect(Collectors.joining("; ")));
    }
    try {
      return Json.MAPPER.treeToValue(integralNumbersAsIntegers(tree), Event.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new InvalidEventException(cause.getMessage(), e);
    } catch (JacksonException e) {
      throw new InvalidEventException(pathOf(e) + ": " + bindingProblem(e), e);
    }
  }

  /**
   * The event with each number that has no fractional part written as an integer ({@code 2.0} as {@code 2}):
   * the schema has already accepted it as one. Events are flat, so only top-level fields are looked at.
   */
  static JsonNode integralNumbersAsIntegers(JsonNode tree) {
    ObjectNode copy = null;
    for (var field : tree.properties()) {
      JsonNode value = field.getValue();
      JsonNode rewritten = value;
      if (value.isFloatingPointNumber() && integral(value)) {
        rewritten = com.fasterxml.jackson.databind.node.LongNode.valueOf(value.decimalValue().longValueExact());
      } else if (value.isArray()) {
        rewritten = objectsWithIntegralNumbersAsIntegers(value);
      }
      if (rewritten != value) {
        if (copy == null) {
          copy = ((ObjectNode) tree).deepCopy();
        }
        copy.set(field.getKey(), rewritten);
      }
    }
    return copy == null ? tree : copy;
  }

  /** The same for the objects in an array (an order's lines), which are flat too. */
  private static JsonNode objectsWithIntegralNumbersAsIntegers(JsonNode array) {
    com.fasterxml.jackson.databind.node.ArrayNode copy = null;
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      JsonNode rewritten = item.isObject() ? integralNumbersAsIntegers(item) : item;
      if (rewritten != item) {
        if (copy == null) {
          copy = ((com.fasterxml.jackson.databind.node.ArrayNode) array).deepCopy();
        }
        copy.set(i, rewritten);
      }
    }
    return copy == null ? array : copy;
  }

  private static boolean integral(JsonNode number) {
    if (number.isDouble() || number.isFloat()) {
      double d = number.doubleValue();
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    BigDecimal value = number.decimalValue().stripTrailingZeros();
    return value.scale() <= 0 && value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0;
  }

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static String kindOf(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The schema passed, so this is something JSON Schema allows and the strict mapper does not: in
   * practice {@code 5.0} for an integer (to JSON Schema 5.0 is an integer; to {@link Json#MAPPER} it is not).
   */
  private static String bindingProblem(JacksonException e) {
    if (e instanceof MismatchedInputException m
        && (m.getTargetType() == int.class || m.getTargetType() == long.class)) {
      return "must be an integer written without a fraction or exponent";
    }
    return originalMessage(e);
  }

  /** The validator's message, except where it quotes a subschema instead of saying what is wrong. */
  private static String describe(ValidationMessage m) {
    if ("not".equals(m.getType()) && m.getSchemaNode() != null && m.getSchemaNode().has("const")) {
      return m.getInstanceLocation() + ": must not be " + m.getSchemaNode().get("const");
    }
    return m.getMessage();
  }

  private static String pathOf(JacksonException e) {
    StringBuilder path = new StringBuilder("$");
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        if (ref.getFieldName() != null) {
          path.append('.').append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
    }
    return path.toString();
  }

  /**
   * JSON Schema patterns are ECMA-262 regular expressions, where {@code $} is the end of the input.
   * In {@link java.util.regex} it also matches before a final line break, which lets {@code "sku-1\n"}
   * through {@code ^[A-Za-z0-9._:-]{1,64}$}; so an unescaped {@code $} outside a class becomes {@code \z}.
   */
  static RegularExpression ecmaScriptAnchored(String regex) {
    StringBuilder out = new StringBuilder(regex.length() + 4);
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        out.append(c).append(regex.charAt(++i));
        continue;
      }
      if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      }
      out.append(c == '$' && !inClass ? "\\z" : String.valueOf(c));
    }
    Pattern pattern = Pattern.compile(out.toString());
    return value -> pattern.matcher(value).find();
  }

  /**
   * The hot path: bind with the strict mapper, whose records' constructors enforce the same rules as the
   * schema (EventSchemaProperties checks that they accept exactly the same values). Only a record that fails
   * here pays for schema validation, which is what names the problem precisely. Returns null on any failure.
   * A time ({@code occurredAt}, {@code expiresAt}) must be a JSON string, because the mapper would also read a
   * number as an epoch time.
   */
  private static Event bindStrictly(JsonNode tree) {
    JsonNode occurredAt = tree.get("occurredAt");
    if (occurredAt == null || !occurredAt.isTextual()) {
      return null;
    }
    JsonNode expiresAt = tree.get("expiresAt");
    if (expiresAt != null && !expiresAt.isTextual()) {
      return null;
    }
    try {
      return Json.MAPPER.treeToValue(tree, Event.class);
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String originalMessage(IOException e) {
    return e instanceof JacksonException j ? JsonErrors.describe(j) : e.getMessage();
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private static Map<String, Class<? extends Event>> types() {
    Map<String, Class<? extends Event>> types = new LinkedHashMap<>();
    types.put(StockReceived.TYPE, StockReceived.class);
    types.put(StockAdjusted.TYPE, StockAdjusted.class);
    types.put(ReservationRequested.TYPE, ReservationRequested.class);
    types.put(ReservationConfirmed.TYPE, ReservationConfirmed.class);
    types.put(ReservationCancelled.TYPE, ReservationCancelled.class);
    types.put(ReservationExtended.TYPE, ReservationExtended.class);
    types.put(ClockTick.TYPE, ClockTick.class);
    types.put(OrderPlaced.TYPE, OrderPlaced.class);
    types.put(OrderConfirmed.TYPE, OrderConfirmed.class);
    types.put(OrderCancelled.TYPE, OrderCancelled.class);
    types.put(OrderExtended.TYPE, OrderExtended.class);
    types.put(OrderLineRequested.TYPE, OrderLineRequested.class);
    types.put(OrderLinePrepared.TYPE, OrderLinePrepared.class);
    types.put(OrderLineConfirmed.TYPE, OrderLineConfirmed.class);
    types.put(OrderLineReleased.TYPE, OrderLineReleased.class);
    types.put(OrderLineExtended.TYPE, OrderLineExtended.class);
    types.put(OrderLineDecided.TYPE, OrderLineDecided.class);
    return java.util.Collections.unmodifiableMap(types);
  }

  private static Map<String, JsonSchema> loadSchemas() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
        .formatAssertionsEnabled(true)
        .pathType(PathType.JSON_PATH)
        .regularExpressionFactory(EventCodec::ecmaScriptAnchored)
        .build();
    Map<String, JsonSchema> schemas = new LinkedHashMap<>();
    for (String type : TYPES.keySet()) {
      String resource = SCHEMA_FOLDER + type + ".schema.json";
      try (InputStream in = EventCodec.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing schema resource " + resource);
        }
        schemas.put(type, factory.getSchema(in, config));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + resource, e);
      }
    }
    return java.util.Collections.unmodifiableMap(schemas);
  }
}
