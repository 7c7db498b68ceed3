package io.stocklog.projector;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.stocklog.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record of the events topic that could not be decided, as published on the dead-letter topic: why, where
 * it was, and its original bytes, so an operator can fix and re-append it.
 *
 * @param error what is wrong with it, naming the field where there is one
 * @param key the original key as UTF-8, or null if it had none
 * @param value the original value bytes, base64 (cut to a limit, see {@link ProjectorOptions})
 */
@JsonPropertyOrder({"error", "topic", "partition", "offset", "timestamp", "key", "value"})
public record DeadLetter(
    String error, String topic, int partition, long offset, long timestamp, String key, String value) {

  /** The header holding {@link #error()}. */
  public static final String ERROR_HEADER = "stocklog.error";
  /** The header holding the original record's place: {@code topic/partition/offset}. */
  public static final String SOURCE_HEADER = "stocklog.source";

  public DeadLetter {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(topic, "topic");
  }

  /** A dead letter for a record; at most {@code maxValueBytes} of its value are kept. */
  static DeadLetter of(String error, String topic, int partition, long offset, long timestamp,
      byte[] key, byte[] value, int maxValueBytes) {
    String message = error;
    byte[] kept = value;
    if (value != null && value.length > maxValueBytes) {
      kept = Arrays.copyOf(value, maxValueBytes);
      message = error + " (the value below is its first " + maxValueBytes + " of " + value.length + " bytes)";
    }
    return new DeadLetter(message, topic, partition, offset, timestamp,
        key == null ? null : new String(key, StandardCharsets.UTF_8),
        kept == null ? null : Base64.getEncoder().encodeToString(kept));
  }

  /** {@code topic/partition/offset}: the value of {@link #SOURCE_HEADER}. */
  public String source() {
    return topic + "/" + partition + "/" + offset;
  }

  static Serializer<DeadLetter> serializer() {
    return (topic, letter) -> {
      if (letter == null) {
        return null;
      }
      try {
        return Json.MAPPER.writeValueAsBytes(letter);
      } catch (IOException e) {
        throw new SerializationException("cannot write a dead letter as JSON", e);
      }
    };
  }
}
