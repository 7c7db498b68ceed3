package io.stocklog.json;

import com.fasterxml.jackson.core.JacksonException;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.OutcomeJson;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one Kafka {@link Serde} of the system: JSON through {@link Json#MAPPER}. Events go through
 * {@link EventCodec}, which names what is wrong with a bad record rather than throwing a binding error, and
 * outcomes through {@link OutcomeJson}, one pass over the tokens: both write the data binder's bytes.
 */
public final class JsonSerde<T> implements Serde<T> {

  private final Class<T> type;

  private JsonSerde(Class<T> type) {
    this.type = type;
  }

  public static <T> JsonSerde<T> of(Class<T> type) {
    return new JsonSerde<>(type);
  }

  public static JsonSerde<Event> events() {
    return new JsonSerde<>(Event.class);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        if (value instanceof Outcome o) {
          return OutcomeJson.write(o);
        }
        if (value instanceof Event e) {
          return EventCodec.encode(e);
        }
        return Json.MAPPER.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON", e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try {
        if (type == Event.class) {
          return type.cast(EventCodec.decode(data));
        }
        if (type == Outcome.class) {
          return type.cast(OutcomeJson.read(data));
        }
        return Json.MAPPER.readValue(data, type);
      } catch (InvalidEventException e) {
        throw new SerializationException(e.getMessage(), e);
      } catch (JacksonException e) {
        throw new SerializationException(
            "not a valid " + type.getSimpleName() + ": " + JsonErrors.describe(e), e);
      } catch (IOException e) {
        throw new SerializationException("cannot read " + type.getSimpleName(), e);
      }
    };
  }
}
