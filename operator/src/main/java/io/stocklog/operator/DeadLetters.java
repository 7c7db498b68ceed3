package io.stocklog.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import io.stocklog.projector.DeadLetter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads the dead-letter topic ({@code read_committed}: a dead letter of an aborted projector transaction was
 * never one) and writes each dead letter as a line of JSON an operator can edit and give to {@code dlq
 * replay}.
 *
 * <p>The line: {@code source} ({@code topic/partition/offset} of the original record in the events topic),
 * {@code partition} and {@code offset} of it, {@code timestamp}, {@code error}, {@code key}, and the original
 * value as {@code value} (its text, when it is UTF-8) or else {@code valueBase64}; {@code truncated} when the
 * projector kept only the first bytes of a large value; {@code deadLetter}, where the dead letter itself is.
 */
final class DeadLetters {

  /** The marker {@link DeadLetter} puts in the error of a value it cut. */
  static final String CUT_MARKER = "(the value below is its first ";

  /**
   * One dead letter as read.
   *
   * @param value the original value bytes as kept in the dead letter, or null
   * @param unreadable why the record is not a dead letter this CLI can read, or null
   */
  record Letter(int dlqPartition, long dlqOffset, String sourceTopic, Integer sourcePartition, Long sourceOffset,
      Long timestamp, String error, String key, byte[] value, boolean truncated, String unreadable) {

    String source() {
      return sourceTopic == null ? null : sourceTopic + "/" + sourcePartition + "/" + sourceOffset;
    }

    /** The value as UTF-8 text, or null when it is none (or not UTF-8). */
    String valueText() {
      return value == null ? null : utf8(value);
    }
  }

  /** The oldest {@code letters} (by timestamp) of {@code total} dead letters. */
  record Listing(List<Letter> letters, long total) {}

  private DeadLetters() {}

  /**
   * Reads every committed dead letter of {@code topic} and keeps the {@code limit} oldest by their original
   * timestamp (then partition and offset), in that order.
   */
  static Listing read(String bootstrapServers, String topic, int limit, Duration timeout) {
    Comparator<Letter> oldestFirst = Comparator.comparing((Letter l) -> l.timestamp() == null ? Long.MIN_VALUE
        : l.timestamp()).thenComparingInt(Letter::dlqPartition).thenComparingLong(Letter::dlqOffset);
    PriorityQueue<Letter> newestOnTop = new PriorityQueue<>(oldestFirst.reversed());
    long total = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(bootstrapServers)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("the dead-letter topic " + topic + " does not exist; `topics` creates it");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> stable = new HashMap<>(consumer.endOffsets(partitions, timeout));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (stable.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds()
              + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= stable.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          total++;
          newestOnTop.add(parse(r));
          if (newestOnTop.size() > limit) {
            newestOnTop.poll();
          }
        }
      }
    }
    List<Letter> letters = new ArrayList<>(newestOnTop);
    letters.sort(oldestFirst);
    return new Listing(letters, total);
  }

  /** A record of the dead-letter topic; never throws, a record it cannot read says why. */
  static Letter parse(ConsumerRecord<byte[], byte[]> r) {
    String headerError = header(r, DeadLetter.ERROR_HEADER);
    String recordKey = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    try {
      JsonNode n = Json.MAPPER.readTree(r.value());
      if (n == null || !n.isObject() || !n.path("error").isTextual()) {
        throw new IOException("not a JSON dead letter with an error");
      }
      byte[] value = n.hasNonNull("value") ? Base64.getDecoder().decode(n.get("value").asText()) : null;
      String error = n.get("error").asText();
      return new Letter(r.partition(), r.offset(), text(n, "topic"),
          n.path("partition").isInt() ? n.get("partition").asInt() : null,
          n.path("offset").canConvertToLong() ? n.get("offset").asLong() : null,
          n.path("timestamp").canConvertToLong() ? n.get("timestamp").asLong() : r.timestamp(),
          error, n.hasNonNull("key") ? n.get("key").asText() : recordKey, value, error.contains(CUT_MARKER), null);
    } catch (IOException | IllegalArgumentException e) {
      return new Letter(r.partition(), r.offset(), null, null, null, r.timestamp(), headerError, recordKey,
          r.value(), false, "not a dead letter this CLI can read: " + e.getMessage());
    }
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** {@code bytes} as UTF-8, or null when they are not valid UTF-8. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The editable JSON line of {@code l} (see the class comment). */
  static ObjectNode line(Letter l, String deadLetterTopic) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("source", l.source());
    o.put("partition", l.sourcePartition());
    o.put("offset", l.sourceOffset());
    o.put("timestamp", l.timestamp() == null ? null : Instant.ofEpochMilli(l.timestamp()).toString());
    o.put("error", l.error());
    o.put("key", l.key());
    String text = l.valueText();
    if (l.value() == null) {
      o.putNull("value");
    } else if (text != null) {
      o.put("value", text);
    } else {
      o.put("valueBase64", Base64.getEncoder().encodeToString(l.value()));
    }
    if (l.truncated()) {
      o.put("truncated", true);
    }
    if (l.unreadable() != null) {
      o.put("unreadable", l.unreadable());
    }
    o.put("deadLetter", deadLetterTopic + "/" + l.dlqPartition() + "/" + l.dlqOffset());
    return o;
  }

  static void printJsonLines(Listing listing, String deadLetterTopic, PrintStream out) {
    for (Letter l : listing.letters()) {
      try {
        out.println(Json.MAPPER.writeValueAsString(line(l, deadLetterTopic)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** {@code s} with control characters escaped, so a record's bytes cannot steer the terminal. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  static void printHuman(Listing listing, String deadLetterTopic, PrintStream out) {
    if (listing.total() == 0) {
      out.println("no dead letters in " + deadLetterTopic);
      return;
    }
    for (Letter l : listing.letters()) {
      out.printf("%s  %s  key %s%n", l.source() == null ? deadLetterTopic + "/" + l.dlqPartition() + "/"
          + l.dlqOffset() : l.source(), l.timestamp() == null ? "-" : Instant.ofEpochMilli(l.timestamp()),
          l.key() == null ? "(none)" : printable(l.key()));
      if (l.unreadable() != null) {
        out.println("  " + l.unreadable());
      }
      out.println("  error: " + (l.error() == null ? "-" : printable(l.error())));
      String text = l.valueText();
      if (l.value() == null) {
        out.println("  value: (none)");
      } else if (text != null) {
        out.println("  value: " + printable(text));
      } else {
        out.println("  value (base64, not UTF-8): " + Base64.getEncoder().encodeToString(l.value()));
      }
    }
    out.println();
    out.printf("%d dead letter%s in %s%s%n", listing.total(), listing.total() == 1 ? "" : "s", deadLetterTopic,
        listing.letters().size() < listing.total() ? "; the " + listing.letters().size()
            + " oldest shown (--limit)" : "");
  }
}
