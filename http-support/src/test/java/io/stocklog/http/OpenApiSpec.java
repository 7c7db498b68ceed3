package io.stocklog.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import io.stocklog.json.Json;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A service's OpenAPI document as its contract tests read it: checked by the reference parser
 * (swagger-parser, which resolves every {@code $ref}), its operations and their examples, and its schemas
 * as JSON Schema validators (OpenAPI 3.1 dialect) to hold examples and real answers to.
 */
public final class OpenApiSpec {

  /** One operation: a method on a path template, with its parameters (the path's own included). */
  public record Operation(String method, String path, At at, List<At> parameters) {
    /** The route as {@link #normalise} writes it, for comparing with the routes the app serves. */
    public String route() {
      return method + " " + normalise(path);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** A node of the document and the JSON pointer to it. */
  public record At(String pointer, JsonNode node) {
    public At child(String name) {
      return new At(pointer + "/" + name.replace("~", "~0").replace("/", "~1"), node.path(name));
    }

    public At element(int index) {
      return new At(pointer + "/" + index, node.path(index));
    }
  }

  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  public final JsonNode root;
  /** Where the schema fragments are resolved from: the document's classpath location. */
  private final String location;
  private final JsonSchemaFactory schemas;
  private final SchemaValidatorsConfig validation = SchemaValidatorsConfig.builder()
      .formatAssertionsEnabled(true)
      .build();

  private OpenApiSpec(JsonNode root, String resource) {
    this.root = root;
    this.location = "classpath:" + resource;
    // The whole document is the schema resource the fragments point into: its top-level fields are not
    // keywords. Any other unknown keyword is a typo in a schema, and fails.
    JsonMetaSchema dialect = JsonMetaSchema.builder(OpenApi31.getInstance())
        .keywords(Stream.of("openapi", "info", "servers", "tags", "paths", "components")
            .map(NonValidationKeyword::new).toList())
        .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
        .build();
    this.schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
        .metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri()));
  }

  /** The document at the classpath {@code resource}, as the service reads it ({@link OpenApiDocument#read}). */
  public static OpenApiSpec load(String resource) {
    try {
      return new OpenApiSpec(Json.MAPPER.readTree(OpenApiDocument.read(resource)), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the reference parser finds wrong with the document, in OpenAPI 3.1 terms; empty when valid. */
  public List<String> parserMessages() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(root.toString(), null, options);
    List<String> messages = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
    if (result.getOpenAPI() == null) {
      messages.add("not read as an OpenAPI document at all");
    } else if (!"3.1.0".equals(result.getOpenAPI().getOpenapi())) {
      messages.add("openapi is " + result.getOpenAPI().getOpenapi() + ", not 3.1.0");
    }
    return messages;
  }

  /** {@code {name}} (and Javalin's {@code <name>}) placeholders as {@code {}}: routes compare by shape. */
  public static String normalise(String path) {
    return path.replaceAll("\\{[^/}]*}|<[^/>]*>", "{}");
  }

  public List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    At paths = new At("", root).child("paths");
    for (Iterator<String> it = paths.node().fieldNames(); it.hasNext(); ) {
      String path = it.next();
      At item = resolve(paths.child(path));
      for (String method : METHODS) {
        if (item.node().has(method)) {
          At operation = item.child(method);
          List<At> parameters = new ArrayList<>();
          for (At owner : List.of(item, operation)) {
            At list = owner.child("parameters");
            for (int i = 0; i < list.node().size(); i++) {
              parameters.add(resolve(list.element(i)));
            }
          }
          operations.add(new Operation(method.toUpperCase(Locale.ROOT), path, operation, parameters));
        }
      }
    }
    return operations;
  }

  public Operation operation(String method, String path) {
    return operations().stream().filter(o -> o.method().equals(method) && o.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("not documented: " + method + " " + path));
  }

  public At at(String pointer) {
    return resolve(new At(pointer, root.at(pointer)));
  }

  public At resolve(At at) {
    At current = at;
    for (int hops = 0; current.node().has("$ref"); hops++) {
      String ref = current.node().get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 10) {
        throw new AssertionError("unresolvable $ref " + ref + " at " + at.pointer());
      }
      current = new At(ref.substring(1), root.at(ref.substring(1)));
      if (current.node().isMissingNode()) {
        throw new AssertionError("$ref " + ref + " at " + at.pointer() + " points at nothing");
      }
    }
    return current;
  }

  /** The documented response of an operation for a status, or for its range ({@code 4XX}), if there is one. */
  public Optional<At> response(Operation op, int status) {
    At response = op.at().child("responses").child(Integer.toString(status));
    if (response.node().isMissingNode()) {
      response = op.at().child("responses").child((status / 100) + "XX");
    }
    return response.node().isMissingNode() ? Optional.empty() : Optional.of(resolve(response));
  }

  /** The request body's examples for a media type, by name (Example Objects resolved). */
  public Map<String, JsonNode> requestExamples(Operation op, String mediaType) {
    return examples(resolve(op.at().child("requestBody")).child("content").child(mediaType));
  }

  public Map<String, JsonNode> examples(At media) {
    Map<String, JsonNode> examples = new LinkedHashMap<>();
    media.node().path("examples").fieldNames().forEachRemaining(name ->
        examples.put(name, resolve(media.child("examples").child(name)).node().path("value")));
    return examples;
  }

  /**
   * Every place in the document that gives examples next to a schema (media types and parameters), with
   * the examples' values: the examples must be valid against that schema.
   */
  public Map<At, List<JsonNode>> examplesBySchema() {
    Map<At, List<JsonNode>> found = new LinkedHashMap<>();
    collectExamples(new At("", root), found);
    return found;
  }

  private void collectExamples(At at, Map<At, List<JsonNode>> found) {
    JsonNode node = at.node();
    if (node.isObject() && node.has("schema") && (node.has("example") || node.path("examples").isObject())) {
      List<JsonNode> values = new ArrayList<>(examples(at).values());
      if (node.has("example")) {
        values.add(node.get("example"));
      }
      found.put(at.child("schema"), values);
    }
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(name -> collectExamples(at.child(name), found));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectExamples(at.element(i), found);
      }
    }
  }

  /** Why {@code instance} is not valid against the schema at {@code schema} (a pointer into the document). */
  public List<String> violations(At schema, JsonNode instance) {
    String fragment = schema.pointer().replace("{", "%7B").replace("}", "%7D");
    return schemas.getSchema(SchemaLocation.of(location + "#" + fragment), validation).validate(instance)
        .stream().map(ValidationMessage::toString).toList();
  }

  /**
   * The operation's path with each path parameter taken from {@code values}, else from its documented
   * example, and with every query parameter that has an example; arrays the {@code form}, non-exploded way.
   */
  public String exampleUri(Operation op, Map<String, String> values) {
    return uri(op, values, true);
  }

  /** As {@link #exampleUri}, but with only the query parameters given in {@code values}. */
  public String uri(Operation op, Map<String, String> values) {
    return uri(op, values, false);
  }

  private String uri(Operation op, Map<String, String> values, boolean queryExamples) {
    String path = op.path();
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    for (At parameter : op.parameters()) {
      JsonNode p = parameter.node();
      String name = p.get("name").asText();
      String example = p.has("example") ? serialise(p.get("example")) : null;
      switch (p.get("in").asText()) {
        case "path" -> path = path.replace("{" + name + "}",
            values.containsKey(name) ? values.get(name) : requireExample(op, name, example));
        case "query" -> {
          String value = values.getOrDefault(name, queryExamples ? example : null);
          if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        }
        default -> { }
      }
    }
    return path + query;
  }

  /** The documented example of a parameter (header, query or path) of the operation. */
  public String parameterExample(Operation op, String name) {
    JsonNode example = parameter(op, name).node().get("example");
    if (example == null) {
      throw new AssertionError(op + " documents no example of " + name);
    }
    return serialise(example);
  }

  /** The operation's parameter of that name (a path, query or header parameter). */
  public At parameter(Operation op, String name) {
    return op.parameters().stream().filter(p -> p.node().path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(op + " has no parameter " + name));
  }

  private static String requireExample(Operation op, String name, String value) {
    if (value == null) {
      throw new AssertionError(op + ": path parameter " + name + " has no example");
    }
    return value;
  }

  private static String serialise(JsonNode example) {
    if (example.isArray()) {
      StringJoiner items = new StringJoiner(",");
      example.forEach(item -> items.add(item.asText()));
      return items.toString();
    }
    return example.asText();
  }

  /**
   * What in this answer to {@code op} the document does not say: a status it does not list, a content type
   * it does not give, a body or header value its schema does not allow. Empty when the answer is documented.
   */
  public List<String> undocumented(Operation op, HttpResponse<String> answer) {
    return response(op, answer.statusCode())
        .map(response -> undocumented(response, answer))
        .orElseGet(() -> List.of(op + " does not document status " + answer.statusCode() + ": "
            + answer.body()));
  }

  /** As {@link #undocumented(Operation, HttpResponse)}, against one documented response. */
  public List<String> undocumented(At response, HttpResponse<String> answer) {
    List<String> problems = new ArrayList<>();
    response.node().path("headers").properties().forEach(h -> {
      At header = resolve(response.child("headers").child(h.getKey()));
      answer.headers().firstValue(h.getKey()).ifPresent(value ->
          violations(header.child("schema"), headerValue(resolve(header.child("schema")).node(), value))
              .forEach(v -> problems.add("header " + h.getKey() + ": " + v)));
    });
    if (answer.body().isEmpty()) {
      return problems;
    }
    String contentType = answer.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    At media = response.child("content").child(contentType);
    if (media.node().isMissingNode()) {
      problems.add(response.pointer() + " does not document content type '" + contentType + "'");
      return problems;
    }
    JsonNode body;
    try {
      body = contentType.endsWith("json") ? Json.MAPPER.readTree(answer.body()) : TextNode.valueOf(answer.body());
    } catch (IOException e) {
      problems.add("the body is not JSON: " + answer.body());
      return problems;
    }
    violations(media.child("schema"), body).forEach(v -> problems.add("body " + v + " in " + answer.body()));
    return problems;
  }

  private static JsonNode headerValue(JsonNode schema, String value) {
    String type = schema.path("type").asText();
    try {
      return switch (type) {
        case "integer" -> LongNode.valueOf(Long.parseLong(value));
        case "boolean" -> value.equals("true") || value.equals("false")
            ? BooleanNode.valueOf(Boolean.parseBoolean(value)) : TextNode.valueOf(value);
        default -> TextNode.valueOf(value);
      };
    } catch (NumberFormatException e) {
      return TextNode.valueOf(value);
    }
  }

  /** The operations' routes, normalised. */
  public Set<String> routes() {
    return new TreeSet<>(operations().stream().map(Operation::route).toList());
  }

  /** The contract every service's test checks: the routes the running service serves are exactly those documented. */
  public void assertServedExactlyBy(Object service) {
    assertThat(ServedRoutes.of(service)).as("routes served, against those documented")
        .containsExactlyElementsOf(routes());
  }

  /** More than {@code atLeast} schemas carry examples, and every example is valid against its schema. */
  public void assertEveryExampleValid(int atLeast) {
    Map<At, List<JsonNode>> examples = examplesBySchema();
    assertThat(examples).hasSizeGreaterThan(atLeast);
    examples.forEach((schema, values) -> values.forEach(value ->
        assertThat(violations(schema, value)).as("%s at %s", value, schema.pointer()).isEmpty()));
  }
}
