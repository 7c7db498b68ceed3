package io.stocklog.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.json.Json;
import io.stocklog.json.JsonErrors;
import io.stocklog.outcomes.Position;
import io.stocklog.projector.ProjectorOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code dlq replay}: reads lines as {@code dlq list --json} writes them, after an operator fixed them, checks
 * each the way the projector will, and appends the good ones to the events topic.
 *
 * <p>A line's event is its {@code value}: a JSON string holding the event's text (as listed), or the event
 * itself as a JSON object (easier to edit); failing both, {@code valueBase64}. Its {@code key} must be the
 * event's SKU, or absent or null (then the SKU is the key). The check is the projector's own ({@link
 * EventCodec#decode} and the key rule of its decide step), so a line that passes here is not dead-lettered
 * again. Clock ticks are refused: the projector writes fresh ones when a hold is due, and an old one would only repeat a time.
 */
final class DeadLetterFixes {

  /** A line that passed: what to append. */
  record Valid(int line, String source, SkuEvent event, byte[] value) {}

  /** A line that did not, and why. */
  record Invalid(int line, String source, String reason) {}

  record Checked(List<Valid> valid, List<Invalid> invalid) {}

  private DeadLetterFixes() {}

  /** Checks every line; blank lines and lines starting with {@code #} are skipped. */
  static Checked check(BufferedReader in) throws IOException {
    List<Valid> valid = new ArrayList<>();
    List<Invalid> invalid = new ArrayList<>();
    String text;
    int n = 0;
    while ((text = in.readLine()) != null) {
      n++;
      String trimmed = text.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      JsonNode line;
      try {
        line = Json.MAPPER.readTree(trimmed);
      } catch (JsonProcessingException e) {
        invalid.add(new Invalid(n, null, "the line is not JSON: " + JsonErrors.describe(e)));
        continue;
      }
      if (line == null || !line.isObject()) {
        invalid.add(new Invalid(n, null, "the line is not a JSON object"));
        continue;
      }
      String source = line.hasNonNull("source") ? line.get("source").asText() : null;
      try {
        Decoded d = checkLine(line);
        valid.add(new Valid(n, source, d.event(), d.value()));
      } catch (InvalidEventException e) {
        String hint = line.path("truncated").asBoolean(false)
            ? " (this dead letter kept only the first bytes of the value: take the whole record from "
                + (source == null ? "the events topic" : source) + ")"
            : "";
        invalid.add(new Invalid(n, source, e.getMessage() + hint));
      }
    }
    return new Checked(valid, invalid);
  }

  private record Decoded(SkuEvent event, byte[] value) {}

  private static Decoded checkLine(JsonNode line) throws InvalidEventException {
    byte[] value;
    JsonNode v = line.get("value");
    if (v != null && v.isTextual()) {
      value = v.asText().getBytes(StandardCharsets.UTF_8);
    } else if (v != null && v.isObject()) {
      try {
        value = Json.MAPPER.writeValueAsBytes(v);
      } catch (JsonProcessingException e) {
        throw new InvalidEventException("value: cannot be written as JSON: " + JsonErrors.describe(e), e);
      }
    } else if ((v == null || v.isNull()) && line.hasNonNull("valueBase64")) {
      try {
        value = Base64.getDecoder().decode(line.get("valueBase64").asText());
      } catch (IllegalArgumentException e) {
        throw new InvalidEventException("valueBase64: is not base64: " + e.getMessage(), e);
      }
    } else if (v == null || v.isNull()) {
      throw new InvalidEventException("value: is missing; give the event as JSON text or as a JSON object");
    } else {
      throw new InvalidEventException("value: must be the event's JSON text (a string) or the event (an object),"
          + " not " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (value.length > RecordDecoder.DEFAULT_MAX_EVENT_BYTES) {
      throw new InvalidEventException("record too large: " + value.length + " bytes, and an event is at most "
          + RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
    }
    Event event = EventCodec.decode(value);
    return switch (event) {
      case ClockTick tick -> throw new InvalidEventException("a " + ClockTick.TYPE + " is not replayed: the"
          + " projector writes fresh ones when a hold is due");
      // Not yet: replaying an order's record must key it by its order ID, which comes with the order routes.
      case OrderEvent e -> throw new InvalidEventException("a " + e.type() + " is not replayed by this tool yet");
      case SkuEvent e -> {
        JsonNode key = line.get("key");
        if (key != null && !key.isNull()) {
          if (!key.isTextual()) {
            throw new InvalidEventException("key: must be a string, the event's sku '" + e.sku() + "'");
          }
          if (!key.asText().equals(e.sku())) {
            throw new InvalidEventException("key: '" + abbreviate(key.asText()) + "' is not the event's sku '"
                + e.sku() + "' (set key to the sku, or to null)");
          }
        }
        yield new Decoded(e, value);
      }
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  /** Appends every valid line, keyed by its SKU, in order; prints where each went. Returns the failures. */
  static int append(String bootstrapServers, String topic, List<Valid> valid, PrintStream out) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "stocklog-operator-replay",
        // As the command service appends: on every in-sync replica, never twice, never out of order.
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    int failed = 0;
    try (KafkaProducer<String, byte[]> producer =
             new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Valid v : valid) {
        sent.add(producer.send(new ProducerRecord<>(topic, v.event().sku(), v.value())));
      }
      producer.flush();
      for (int i = 0; i < valid.size(); i++) {
        Valid v = valid.get(i);
        try {
          RecordMetadata m = sent.get(i).get();
          out.printf("appended %s at %s (%s): %s, sku %s, event %s%n", label(v.line(), v.source()),
              new Position(m.partition(), m.offset()).token(), topic + "/" + m.partition() + "/" + m.offset(),
              v.event().type(), v.event().sku(), v.event().eventId());
        } catch (ExecutionException e) {
          failed++;
          out.printf("NOT appended %s: %s%n", label(v.line(), v.source()), e.getCause().getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while appending", e);
        }
      }
    }
    return failed;
  }

  static String label(int line, String source) {
    return "line " + line + (source == null ? "" : " (" + source + ")");
  }
}
