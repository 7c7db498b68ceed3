package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChecksTest {

  private static final long MAX = Checks.MAX_QUANTITY;

  @Test
  void idIsRequired() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("sku", null)).withMessage("sku is required");
  }

  @Test
  void idRejectsCharactersOutsideTheAlphabet() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("sku", "sku 1"))
        .withMessage("sku must be 1 to 64 characters of [A-Za-z0-9._:-]");
  }

  @Test
  void idRejectsEmpty() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("orderId", "")).withMessageStartingWith("orderId ");
  }

  @Test
  void idRejectsMoreThan64Characters() {
    assertThat(Checks.id("orderId", "o".repeat(64))).hasSize(64);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("orderId", "o".repeat(65))).withMessageStartingWith("orderId ");
  }

  @Test
  void idRejectsNonAsciiLettersAndDigits() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("eventId", "caf\u00e9")).withMessageStartingWith("eventId ");
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("eventId", "\u0661")).withMessageStartingWith("eventId ");
  }

  @Test
  void idRejectsATrailingLineBreak() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.id("receiptId", "r-1\n")).withMessageStartingWith("receiptId ");
  }

  @Test
  void idAcceptsEveryAllowedPunctuationMark() {
    assertThat(Checks.id("sku", "A-z_0.9:x")).isEqualTo("A-z_0.9:x");
  }

  @Test
  void quantityRejectsZero() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.quantity("quantity", 0))
        .withMessage("quantity must be between 1 and 1000000000 (was 0)");
  }

  @Test
  void quantityRejectsNegative() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.quantity("quantity", -1)).withMessageStartingWith("quantity ");
  }

  @Test
  void quantityRejectsAboveMax() {
    assertThat(Checks.quantity("quantity", MAX)).isEqualTo(MAX);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.quantity("quantity", MAX + 1)).withMessageStartingWith("quantity ");
  }

  @Test
  void deltaRejectsZero() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.delta("delta", 0))
        .withMessage("delta must be non-zero and at most 1000000000 in size (was 0)");
  }

  @Test
  void deltaRejectsBeyondMaxEitherWay() {
    assertThat(Checks.delta("delta", MAX)).isEqualTo(MAX);
    assertThat(Checks.delta("delta", -MAX)).isEqualTo(-MAX);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.delta("delta", MAX + 1)).withMessageStartingWith("delta ");
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.delta("delta", -MAX - 1)).withMessageStartingWith("delta ");
  }

  @Test
  void deltaRejectsLongMinValue() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.delta("delta", Long.MIN_VALUE)).withMessageStartingWith("delta ");
  }

  @Test
  void holdSecondsRejectsZero() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.holdSeconds("holdSeconds", 0))
        .withMessage("holdSeconds must be between 1 and 86400 (was 0)");
  }

  @Test
  void holdSecondsRejectsMoreThanADay() {
    assertThat(Checks.holdSeconds("holdSeconds", 86_400)).isEqualTo(86_400);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.holdSeconds("holdSeconds", 86_401)).withMessageStartingWith("holdSeconds ");
  }

  @Test
  void reasonIsRequired() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.reason("reason", null)).withMessage("reason is required");
  }

  @Test
  void reasonRejectsBlank() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.reason("reason", " \t\r\n")).withMessage("reason is required");
  }

  /** Blank as the schema's {@code \S} means it: only ASCII whitespace, not a lone em space. */
  @Test
  void reasonTreatsOnlyAsciiWhitespaceAsBlank() {
    assertThat(Checks.reason("reason", "\u2003")).isEqualTo("\u2003");
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.reason("reason", "\u000B\f")).withMessage("reason is required");
  }

  @Test
  void reasonRejectsMoreThan200Characters() {
    assertThat(Checks.reason("reason", "x".repeat(200))).hasSize(200);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.reason("reason", "x".repeat(201)))
        .withMessage("reason must be at most 200 characters");
  }

  /** Like JSON Schema's maxLength: 200 emoji are 400 UTF-16 units but 200 characters. */
  @Test
  void reasonLengthCountsCodePoints() {
    String emoji = "\uD83D\uDE00";
    assertThat(Checks.reason("reason", emoji.repeat(200))).hasSize(400);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.reason("reason", emoji.repeat(201))).withMessageStartingWith("reason ");
  }

  @Test
  void timeIsRequired() {
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.time("occurredAt", null)).withMessage("occurredAt is required");
  }

  @Test
  void timeRejectsYearsRfc3339CannotWrite() {
    assertThat(Checks.time("occurredAt", Checks.MIN_TIME)).isEqualTo(Instant.parse("0000-01-01T00:00:00Z"));
    assertThat(Checks.time("occurredAt", Checks.MAX_TIME)).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999999Z"));
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.time("occurredAt", Checks.MAX_TIME.plusNanos(1)))
        .withMessage("occurredAt must be between years 0000 and 9999 (was +10000-01-01T00:00:00Z)");
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.time("occurredAt", Checks.MIN_TIME.minusNanos(1)))
        .withMessageStartingWith("occurredAt ");
  }

  @Test
  void schemaVersionMustBeTheOneThisBuildReads() {
    assertThat(Checks.schemaVersion(Event.SCHEMA_VERSION)).isEqualTo(1);
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.schemaVersion(2))
        .withMessage("schemaVersion 2 is not supported (this build reads 1)");
    assertThatIllegalArgumentException().isThrownBy(() -> Checks.schemaVersion(0)).withMessageStartingWith("schemaVersion ");
  }
}
