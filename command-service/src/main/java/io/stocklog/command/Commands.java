package io.stocklog.command;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Checks;
import io.stocklog.events.Events;
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
 * confirm and cancel, which carry nothing but the path.
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

  /** The body as a JSON object, and every problem found so far, reported together by {@link #build}. */
  private static final class Fields {
    private final JsonNode body;
    private final List<String> problems = new ArrayList<>();

    private Fields(JsonNode body) {
      this.body = body;
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
      List<String> unknown = new ArrayList<>();
      for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!List.of(allowed).contains(name)) {
          unknown.add(shown(name));
        }
      }
      if (!unknown.isEmpty()) {
        throw Problem.badRequest((unknown.size() == 1 ? "unknown field " : "unknown fields ")
            + String.join(", ", unknown) + (allowed.length == 0
                ? "; this request takes no fields (send no body or {})"
                : "; expected only " + String.join(", ", allowed)))
            .toException();
      }
      return new Fields(tree);
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
        problems.add(field + " is required");
        return null;
      }
      if (!node.isTextual()) {
        problems.add(field + " must be a string of 1 to 64 characters of [A-Za-z0-9._:-] (was " + shown(node) + ")");
        return null;
      }
      id(field, node.textValue());
      return node.textValue();
    }

    long integer(String field, long min, long max, boolean nonZero) {
      JsonNode node = body.get(field);
      if (node == null) {
        problems.add(field + " is required");
        return 0;
      }
      boolean fits = node.isIntegralNumber() && node.canConvertToLong()
          && node.longValue() >= min && node.longValue() <= max && !(nonZero && node.longValue() == 0);
      if (!fits) {
        problems.add(field + " must be " + (nonZero ? "a non-zero integer" : "an integer")
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

    /** The event, if every field passed; else a 400 naming them all. */
    SkuEvent build(Supplier<SkuEvent> event) {
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
