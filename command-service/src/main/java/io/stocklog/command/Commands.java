package io.stocklog.command;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Checks;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.SkuEvent;
import io.stocklog.http.Problem;
import io.stocklog.json.Json;
import io.stocklog.json.JsonErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns a request's path parameters and body into the event to append, or refuses it with a 400 whose
 * detail names every field at fault. The rules are those of {@link Checks}, so nothing accepted here can
 * fail the events' own checks, and nothing refused here would have passed them. No Javalin in here.
 *
 * <p>Strict on purpose: a number must be a JSON integer (not {@code "5"}, {@code 5.0} or {@code 1e3}), a
 * field the command does not have is an error rather than ignored, and an empty body is allowed only for
 * confirm and cancel, which carry nothing but the path. An order's lines are held to the same rules, each
 * problem named by the line's place ({@code lines[3].quantity}).
 */
final class Commands {

  private static final int SHOWN_VALUE_LENGTH = 40;

  private Commands() {}

  static SkuEvent receipt(String sku, byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "receiptId", "quantity");
    f.id("sku", sku);
    String receiptId = f.bodyId("receiptId");
    long quantity = f.integer("quantity", 1, Checks.MAX_QUANTITY, false);
    return f.build(() -> Events.received(sku, receiptId, quantity, now));
  }

  static SkuEvent adjustment(String sku, byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "adjustmentId", "delta", "reason");
    f.id("sku", sku);
    String adjustmentId = f.bodyId("adjustmentId");
    long delta = f.integer("delta", -Checks.MAX_QUANTITY, Checks.MAX_QUANTITY, true);
    String reason = f.reason("reason");
    return f.build(() -> Events.adjusted(sku, adjustmentId, delta, reason, now));
  }

  static SkuEvent reservation(String sku, byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "orderId", "quantity", "holdSeconds");
    f.id("sku", sku);
    String orderId = f.bodyId("orderId");
    long quantity = f.integer("quantity", 1, Checks.MAX_QUANTITY, false);
    int holdSeconds = (int) f.integer("holdSeconds", 1, Checks.MAX_HOLD_SECONDS, false);
    return f.build(() -> Events.requested(sku, orderId, quantity, holdSeconds, now));
  }

  static SkuEvent confirm(String sku, String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, false);
    f.id("sku", sku);
    f.id("orderId", orderId);
    return f.build(() -> Events.confirmed(sku, orderId, now));
  }

  static SkuEvent cancel(String sku, String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, false);
    f.id("sku", sku);
    f.id("orderId", orderId);
    return f.build(() -> Events.cancelled(sku, orderId, now));
  }

  static SkuEvent extend(String sku, String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "holdSeconds");
    f.id("sku", sku);
    f.id("orderId", orderId);
    int holdSeconds = (int) f.integer("holdSeconds", 1, Checks.MAX_HOLD_SECONDS, false);
    return f.build(() -> Events.extended(sku, orderId, holdSeconds, now));
  }

  /** {@code POST /orders}: 1 to {@value Checks#MAX_ORDER_LINES} lines of (sku, quantity), held for holdSeconds. */
  static OrderEvent order(byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "orderId", "holdSeconds", "lines");
    String orderId = f.bodyId("orderId");
    int holdSeconds = (int) f.integer("holdSeconds", 1, Checks.MAX_HOLD_SECONDS, false);
    List<OrderPlaced.Line> lines = f.lines("lines");
    return f.build(() -> Events.placed(orderId, holdSeconds, lines, now));
  }

  static OrderEvent orderConfirm(String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, false);
    f.id("orderId", orderId);
    return f.build(() -> Events.orderConfirmed(orderId, now));
  }

  static OrderEvent orderCancel(String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, false);
    f.id("orderId", orderId);
    return f.build(() -> Events.orderCancelled(orderId, now));
  }

  static OrderEvent orderExtend(String orderId, byte[] body, Instant now) {
    Fields f = Fields.of(body, true, "holdSeconds");
    f.id("orderId", orderId);
    int holdSeconds = (int) f.integer("holdSeconds", 1, Checks.MAX_HOLD_SECONDS, false);
    return f.build(() -> Events.orderExtended(orderId, holdSeconds, now));
  }

  /** The body as a JSON object, and every problem found so far, reported together by {@link #build}. */
  private static final class Fields {
    private final JsonNode body;
    /** Put before a field's name in a problem: empty for the body's own, {@code lines[2].} for a line's. */
    private final String at;
    private final List<String> problems;

    private Fields(JsonNode body) {
      this(body, "", new ArrayList<>());
    }

    /** The same rules over an object nested in the body (an order's line), its problems named under {@code at}. */
    private Fields(JsonNode body, String at, List<String> problems) {
      this.body = body;
      this.at = at;
      this.problems = problems;
    }

    /** Parses the body; a body that is not a JSON object of the {@code allowed} fields is refused at once. */
    static Fields of(byte[] bytes, boolean required, String... allowed) {
      JsonNode tree = parse(bytes);
      if (tree == null) {
        if (required) {
          throw Problem.badRequest("body is required: a JSON object with " + String.join(", ", allowed))
              .toException();
        }
        return new Fields(Json.MAPPER.createObjectNode());
      }
      if (!tree.isObject()) {
        throw Problem.badRequest("body must be a JSON object, not " + kindOf(tree)).toException();
      }
      List<String> unknown = unknownFields(tree, allowed).stream().map(Fields::shown).toList();
      if (!unknown.isEmpty()) {
        throw Problem.badRequest((unknown.size() == 1 ? "unknown field " : "unknown fields ")
            + String.join(", ", unknown) + (allowed.length == 0
                ? "; this request takes no fields (send no body or {})"
                : "; expected only " + String.join(", ", allowed)))
            .toException();
      }
      return new Fields(tree);
    }

    /** The names of {@code object}'s fields that are not {@code allowed}. */
    private static List<String> unknownFields(JsonNode object, String... allowed) {
      List<String> unknown = new ArrayList<>();
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!List.of(allowed).contains(name)) {
          unknown.add(name);
        }
      }
      return unknown;
    }

    /** The parsed body, or null when there is none (empty or only white space). */
    private static JsonNode parse(byte[] bytes) {
      if (bytes == null || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
        return null;
      }
      try {
        return Json.MAPPER.readTree(bytes);
      } catch (JacksonException e) {
        throw Problem.badRequest("body is not valid JSON: " + JsonErrors.describe(e)).toException();
      } catch (IOException e) {
        throw Problem.badRequest("body could not be read: " + e.getMessage()).toException();
      }
    }

    /** A path parameter that must be an ID. */
    void id(String field, String value) {
      try {
        Checks.id(field, value);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage() + " (was " + shown(value) + ")");
      }
    }

    String bodyId(String field) {
      JsonNode node = body.get(field);
      if (node == null) {
        problems.add(at + field + " is required");
        return null;
      }
      if (!node.isTextual()) {
        problems.add(at + field + " must be a string of 1 to 64 characters of [A-Za-z0-9._:-] (was " + shown(node)
            + ")");
        return null;
      }
      id(at + field, node.textValue());
      return node.textValue();
    }

    long integer(String field, long min, long max, boolean nonZero) {
      JsonNode node = body.get(field);
      if (node == null) {
        problems.add(at + field + " is required");
        return 0;
      }
      boolean fits = node.isIntegralNumber() && node.canConvertToLong()
          && node.longValue() >= min && node.longValue() <= max && !(nonZero && node.longValue() == 0);
      if (!fits) {
        problems.add(at + field + " must be " + (nonZero ? "a non-zero integer" : "an integer")
            + " between " + min + " and " + max + " (was " + shown(node) + ")");
        return 0;
      }
      return node.longValue();
    }

    String reason(String field) {
      JsonNode node = body.get(field);
      if (node == null) {
        problems.add(field + " is required");
        return null;
      }
      if (!node.isTextual()) {
        problems.add(field + " must be a string (was " + shown(node) + ")");
        return null;
      }
      try {
        return Checks.reason(field, node.textValue());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage().replace(" is required", " must not be blank"));
        return null;
      }
    }

    /**
     * An order's lines: an array of 1 to {@value Checks#MAX_ORDER_LINES} objects of exactly sku and quantity. A
     * line's problems are named by its place ({@code lines[2].sku}); null (the problems recorded) unless every
     * line is good.
     */
    List<OrderPlaced.Line> lines(String field) {
      JsonNode node = body.get(field);
      if (node == null) {
        problems.add(field + " is required");
        return null;
      }
      if (!node.isArray() || node.isEmpty() || node.size() > Checks.MAX_ORDER_LINES) {
        problems.add(field + " must be an array of 1 to " + Checks.MAX_ORDER_LINES
            + " lines, each {\"sku\", \"quantity\"} (was " + (node.isArray() ? node.size() + " lines" : kindOf(node))
            + ")");
        return null;
      }
      int before = problems.size();
      List<OrderPlaced.Line> lines = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        String place = field + "[" + i + "]";
        JsonNode line = node.get(i);
        if (!line.isObject()) {
          problems.add(place + " must be an object {\"sku\", \"quantity\"} (was " + kindOf(line) + ")");
          continue;
        }
        List<String> unknown = unknownFields(line, "sku", "quantity");
        if (!unknown.isEmpty()) {
          problems.add((unknown.size() == 1 ? "unknown field " : "unknown fields ")
              + String.join(", ", unknown.stream().map(u -> place + "." + abbreviate(u)).toList())
              + "; a line has only sku and quantity");
          continue;
        }
        Fields f = new Fields(line, place + ".", problems);
        String sku = f.bodyId("sku");
        long quantity = f.integer("quantity", 1, Checks.MAX_QUANTITY, false);
        if (problems.size() == before) {
          lines.add(new OrderPlaced.Line(sku, quantity));
        }
      }
      return problems.size() == before ? lines : null;
    }

    /** The event, if every field passed; else a 400 naming them all. */
    <E extends Event> E build(Supplier<E> event) {
      if (!problems.isEmpty()) {
        throw Problem.badRequest(String.join("; ", problems)).toException();
      }
      try {
        return event.get();
      } catch (IllegalArgumentException e) {
        // The checks above are the events' own, so this means they drifted apart; still the client's input.
        throw Problem.badRequest(e.getMessage()).toException();
      }
    }

    private static String kindOf(JsonNode node) {
      return switch (node.getNodeType()) {
        case ARRAY -> "an array";
        case STRING -> "a string";
        case NUMBER -> "a number";
        case BOOLEAN -> "a boolean";
        case NULL -> "null";
        case OBJECT, POJO, BINARY, MISSING -> node.getNodeType().name().toLowerCase(Locale.ROOT);
      };
    }

    private static String shown(JsonNode node) {
      return abbreviate(node.toString());
    }

    private static String shown(String value) {
      return value == null ? "nothing" : '\'' + abbreviate(value) + '\'';
    }

    private static String abbreviate(String s) {
      return s.length() <= SHOWN_VALUE_LENGTH ? s : s.substring(0, SHOWN_VALUE_LENGTH) + "...";
    }
  }
}
