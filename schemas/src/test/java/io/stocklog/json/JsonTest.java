package io.stocklog.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Json#MAPPER} takes exactly the JSON it is given: no guessing, no coercion. */
class JsonTest {

  record Sample(long count, int size, String name, Instant at) {}

  private static final String VALID = "{\"count\":5,\"size\":2,\"name\":\"x\",\"at\":\"2026-11-22T10:15:30Z\"}";

  private static Sample read(String json) throws Exception {
    return Json.MAPPER.readValue(json, Sample.class);
  }

  @Test
  void readsWellFormedInput() throws Exception {
    assertThat(read(with("count", "5")))
        .isEqualTo(new Sample(5, 2, "x", Instant.parse("2026-11-22T10:15:30Z")));
  }

  @Test
  void rejectsUnknownProperties() {
    assertThatExceptionOfType(UnrecognizedPropertyException.class)
        .isThrownBy(() -> read(VALID.replace("{", "{\"colour\":\"red\",")))
        .withMessageContaining("colour");
  }

  /** {@link #VALID} with one value replaced, so only that value can be what is rejected. */
  private static String with(String field, String json) {
    return VALID.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]*)", "\"" + field + "\":" + json);
  }

  @Test
  void rejectsStringForNumber() {
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("count", "\"5\"")))
        .withMessageContaining("String value");
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("size", "\"2\"")))
        .withMessageContaining("String value");
  }

  @Test
  void rejectsFloatForInteger() {
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("count", "1.5")))
        .withMessageContaining("Floating-point value");
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("size", "2.0")))
        .withMessageContaining("Floating-point value");
  }

  @Test
  void rejectsNumberOrBooleanForString() {
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("name", "5")))
        .withMessageContaining("Integer value");
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("name", "true")))
        .withMessageContaining("Boolean value");
  }

  @Test
  void rejectsNullOrMissingForPrimitive() {
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read(with("count", "null")))
        .withMessageContaining("Cannot map `null`");
    assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read("{\"name\":\"x\"}"));
  }

  @Test
  void rejectsDuplicateKeys() {
    assertThatExceptionOfType(JsonParseException.class)
        .isThrownBy(() -> read("{\"count\":5,\"count\":6}"))
        .withMessageContaining("Duplicate field 'count'");
    assertThatExceptionOfType(JsonParseException.class)
        .isThrownBy(() -> Json.MAPPER.readTree("{\"a\":1,\"a\":2}"));
  }

  @Test
  void rejectsTrailingContent() {
    assertThatExceptionOfType(MismatchedInputException.class)
        .isThrownBy(() -> read(VALID + " " + VALID))
        .withMessageContaining("Trailing token");
  }

  @Test
  void writesTimesAsIsoTextInUtc() throws Exception {
    assertThat(Json.MAPPER.writeValueAsString(Instant.parse("2026-11-22T11:15:30+01:00")))
        .isEqualTo("\"2026-11-22T10:15:30Z\"");
  }
}
