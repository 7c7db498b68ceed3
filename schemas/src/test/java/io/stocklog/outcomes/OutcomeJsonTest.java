package io.stocklog.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The outcome codec against the data binder: the same bytes written, the same outcome read, or none. */
class OutcomeJsonTest {

  private static final String ID_CHARS = "ABCXYZabcxyz0123456789._:-";

  @Provide
  Arbitrary<Outcome> outcomes() {
    Arbitrary<String> ids = Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64);
    Arbitrary<Instant> times = Arbitraries.longs().between(-62_000_000_000_000L, 253_000_000_000_000L)
        .map(Instant::ofEpochMilli);
    Arbitrary<Decision> decisions = Arbitraries.of(Decision.class);
    Arbitrary<Reason> reasons = Arbitraries.of(Reason.class);
    Arbitrary<Long> amounts = Arbitraries.longs().between(-2_000_000_000L, 2_000_000_000L);
    return Combinators.combine(ids, Arbitraries.of("StockReceived", "ReservationRequested", "ClockTick"), ids, ids,
        decisions, reasons, amounts, amounts).flatAs((eventId, type, sku, subject, decision, reason, q, onHand) ->
        Combinators.combine(amounts, times.injectNull(0.3), Arbitraries.of(true, false), times,
            Arbitraries.strings().withChars("0123456789-").ofMinLength(3).ofMaxLength(12).injectNull(0.3))
            .as((reserved, expires, duplicate, decided, position) -> new Outcome(eventId, type, sku, subject, decision,
                decision == Decision.REJECTED ? reason : null, q, onHand, reserved, expires, duplicate, decided,
                position)));
  }

  @Property(tries = 3000)
  void writesTheDataBindersBytesAndReadsThemBack(@ForAll("outcomes") Outcome o) throws Exception {
    byte[] bytes = OutcomeJson.write(o);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(new String(Json.MAPPER.writeValueAsBytes(o), StandardCharsets.UTF_8));
    assertThat(OutcomeJson.readCanonical(bytes)).isEqualTo(o);
    assertThat(OutcomeJson.read(bytes)).isEqualTo(o);
  }

  @Property(tries = 3000)
  void aChangedRecordIsReadAsTheDataBinderReadsItOrLeftToIt(@ForAll("outcomes") Outcome o,
      @ForAll("changes") int change, @ForAll("changes") int field) throws Exception {
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(OutcomeJson.write(o));
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    String name = names.get(Math.floorMod(field, names.size()));
    switch (Math.floorMod(change, 5)) {
      case 0 -> tree.remove(name);
      case 1 -> tree.putNull(name);
      case 2 -> tree.put(name, tree.get(name).asText() + "1");
      case 3 -> tree.put("extra", 1);
      default -> tree.put(name, 2.0);
    }
    byte[] bytes = Json.MAPPER.writeValueAsBytes(tree);
    Outcome fast = OutcomeJson.readCanonical(bytes);
    if (fast != null) {
      assertThat(fast).isEqualTo(Json.MAPPER.readValue(bytes, Outcome.class));
    }
  }

  @Provide
  Arbitrary<Integer> changes() {
    return Arbitraries.integers().between(0, 100);
  }
}
