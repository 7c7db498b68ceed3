package io.stocklog.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Examples;
import io.stocklog.events.InvalidEventException;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSerdeTest {

  private static final String TOPIC = "inventory.events";
  private static final Outcome REJECTED = new Outcome("e-1", "ReservationRequested", "sku-1", "o-1",
      Decision.REJECTED, Reason.OUT_OF_STOCK, 2, 0, 0, null, false, Examples.AT, "0-41");

  static List<Event> samples() {
    return Examples.sampleEvents();
  }

  static Stream<Arguments> invalidExamples() {
    return Examples.invalidIndex().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void eventSerializesAsEventCodecWritesAndReadsBack(Event event) {
    JsonSerde<Event> serde = JsonSerde.events();

    byte[] bytes = serde.serializer().serialize(TOPIC, event);

    assertThat(bytes).isEqualTo(EventCodec.encode(event));
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void invalidExampleFailsAsAKafkaSerializationExceptionNamingTheProblem(String name, String expectedProblem) {
    Deserializer<Event> deserializer = JsonSerde.events().deserializer();

    assertThatExceptionOfType(SerializationException.class)
        .isThrownBy(() -> deserializer.deserialize(TOPIC, Examples.invalid(name)))
        .withMessageContaining(expectedProblem)
        .withCauseInstanceOf(InvalidEventException.class);
  }

  @Test
  void tombstonesPassThroughAsNull() {
    assertThat(JsonSerde.events().deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(JsonSerde.events().serializer().serialize(TOPIC, null)).isNull();
  }

  @Test
  void outcomeRoundTripsThroughTheSerde() {
    JsonSerde<Outcome> serde = JsonSerde.of(Outcome.class);

    assertThat(serde.deserializer().deserialize("outcomes", serde.serializer().serialize("outcomes", REJECTED)))
        .isEqualTo(REJECTED);
  }

  @Test
  void malformedOutcomeFailsAsAKafkaSerializationException() {
    Deserializer<Outcome> deserializer = JsonSerde.of(Outcome.class).deserializer();

    assertThatExceptionOfType(SerializationException.class)
        .isThrownBy(() -> deserializer.deserialize("outcomes", "{\"eventId\":".getBytes(StandardCharsets.UTF_8)))
        .withMessageStartingWith("not a valid Outcome: ");
    byte[] withColour = new String(JsonSerde.of(Outcome.class).serializer().serialize("outcomes", REJECTED),
        StandardCharsets.UTF_8).replace("{", "{\"colour\":\"red\",").getBytes(StandardCharsets.UTF_8);
    assertThatExceptionOfType(SerializationException.class)
        .isThrownBy(() -> deserializer.deserialize("outcomes", withColour))
        .withMessageContaining("colour");
  }
}
