package io.stocklog.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeTest {

  private static final Instant AT = Instant.parse("2026-11-22T10:15:30Z");

  private static final Outcome HELD = new Outcome("e-1", "ReservationRequested", "sku-1", "o-1", Decision.HELD, null,
      2, 10, 2, AT.plusSeconds(600), false, AT, "3-41");
  private static final Outcome REJECTED = new Outcome("e-2", "ReservationRequested", "sku-1", "o-2",
      Decision.REJECTED, Reason.OUT_OF_STOCK, 20, 10, 2, null, false, AT, null);

  private static JsonNode json(Outcome o) throws Exception {
    return Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(o));
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    for (Outcome o : List.of(HELD, REJECTED, HELD.asDuplicate("e-9", "ReservationRequested", AT.plusSeconds(1)))) {
      assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(o), Outcome.class)).isEqualTo(o);
    }
  }

  @Test
  void writesPropertiesInDeclaredOrderWithAvailable() throws Exception {
    JsonNode json = json(HELD);
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);

    assertThat(json.get("available").asLong()).isEqualTo(8);
    // The published field order, written out: taken from the annotation under test, it could not fail.
    assertThat(names).containsExactly("eventId", "eventType", "sku", "subjectId", "decision", "quantity", "onHand",
        "reserved", "available", "expiresAt", "duplicate", "decidedAt", "position");
    assertThat(json.get("expiresAt").asText()).isEqualTo("2026-11-22T10:25:30Z");
  }

  @Test
  void availableIsIgnoredWhenRead() throws Exception {
    ObjectNode json = (ObjectNode) json(HELD);
    json.put("available", 12345);

    assertThat(Json.MAPPER.treeToValue(json, Outcome.class).available()).isEqualTo(8);
  }

  @Test
  void reasonIsWrittenExactlyWhenRejected() throws Exception {
    assertThat(json(REJECTED).get("reason").asText()).isEqualTo("OUT_OF_STOCK");
    assertThat(json(HELD).has("reason")).isFalse();
    assertThat(REJECTED.rejected()).isTrue();
    assertThat(HELD.rejected()).isFalse();
  }

  @Test
  void rejectionNeedsAReason() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Outcome("e", "StockAdjusted", "s", "a", Decision.REJECTED, null, 1, 0, 0, null, false, AT, null))
        .withMessage("a reason is given exactly when the decision is REJECTED");
  }

  @Test
  void onlyARejectionHasAReason() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Outcome("e", "StockAdjusted", "s", "a", Decision.ADJUSTED, Reason.INSUFFICIENT_STOCK, 1, 1, 0, null, false, AT, null))
        .withMessage("a reason is given exactly when the decision is REJECTED");
  }

  @Test
  void readingARejectionWithoutAReasonFails() throws Exception {
    ObjectNode json = (ObjectNode) json(REJECTED);
    json.remove("reason");

    assertThatExceptionOfType(ValueInstantiationException.class)
        .isThrownBy(() -> Json.MAPPER.treeToValue(json, Outcome.class))
        .withMessageContaining("a reason is given exactly when the decision is REJECTED");
  }

  @Test
  void requiresItsIdentifyingFields() {
    assertThatNullPointerException()
        .isThrownBy(() -> new Outcome(null, "StockReceived", "s", "r", Decision.RECEIVED, null, 1, 1, 0, null, false, AT, null))
        .withMessage("eventId");
    assertThatNullPointerException()
        .isThrownBy(() -> new Outcome("e", "StockReceived", "s", "r", null, null, 1, 1, 0, null, false, AT, null))
        .withMessage("decision");
    assertThatNullPointerException()
        .isThrownBy(() -> new Outcome("e", "StockReceived", "s", "r", Decision.RECEIVED, null, 1, 1, 0, null, false, null, null))
        .withMessage("decidedAt");
  }

  @Test
  void atStampsThePositionToken() {
    assertThat(REJECTED.at(new Position(2, 7)).position()).isEqualTo("2-7");
  }

  @Test
  void asDuplicateRepeatsTheDecisionForTheRepeatedEvent() {
    Outcome repeat = REJECTED.at(new Position(0, 1)).asDuplicate("e-3", "ReservationRequested", AT.plusSeconds(5));

    assertThat(repeat.duplicate()).isTrue();
    assertThat(repeat.eventId()).isEqualTo("e-3");
    assertThat(repeat.decidedAt()).isEqualTo(AT.plusSeconds(5));
    assertThat(repeat.position()).isNull();
    assertThat(repeat).extracting(Outcome::decision, Outcome::reason, Outcome::subjectId, Outcome::quantity)
        .containsExactly(Decision.REJECTED, Reason.OUT_OF_STOCK, "o-2", 20L);
  }
}
