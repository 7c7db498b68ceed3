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
    // Mostly IDs as the fold makes them; now and then a string that must be escaped, which no event can carry.
    Arbitrary<String> ids = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(9, Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("a\"\\\u0001\u00e9\u20ac/ ").ofMinLength(1)
            .ofMaxLength(8)));
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
    assertThat(OutcomeJson.read(bytes)).isEqualTo(o);
    boolean plain = new String(bytes, StandardCharsets.UTF_8).chars().allMatch(c -> c >= 0x20 && c <= 0x7e)
        && !new String(bytes, StandardCharsets.UTF_8).contains("\\");
    // The canonical reader takes everything the writer writes without escapes, and steps aside for the rest.
    assertThat(OutcomeJson.readCanonical(bytes)).isEqualTo(plain ? o : null);
  }

  @Property(tries = 3000)
  void aChangedRecordIsReadAsTheDataBinderReadsItOrLeftToIt(@ForAll("outcomes") Outcome o,
      @ForAll("changes") int change, @ForAll("changes") int field) throws Exception {
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(OutcomeJson.write(o));
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    String name = names.get(Math.floorMod(field, names.size()));
    byte[] bytes;
    switch (Math.floorMod(change, 8)) {
      case 0 -> tree.remove(name);
      case 1 -> tree.putNull(name);
      case 2 -> tree.put(name, tree.get(name).asText() + "1");
      case 3 -> tree.put("extra", 1);
      case 4 -> tree.put(name, 2.0);
      case 5 -> tree.put(name, "0" + tree.get(name).asText());
      default -> { }
    }
    bytes = Json.MAPPER.writeValueAsBytes(tree);
    if (Math.floorMod(change, 8) == 6) {
      bytes = (new String(bytes, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
    } else if (Math.floorMod(change, 8) == 7) {
      bytes = new String(bytes, StandardCharsets.UTF_8).replace(":", ": ").getBytes(StandardCharsets.UTF_8);
    }
    Outcome fast = OutcomeJson.readCanonical(bytes);
    if (fast != null) {
      assertThat(fast).isEqualTo(Json.MAPPER.readValue(bytes, Outcome.class));
    }
    assertThat(OutcomeJson.writeWithGenerator(o)).isEqualTo(OutcomeJson.write(o));
  }

  @Provide
  Arbitrary<Integer> changes() {
    return Arbitraries.integers().between(0, 100);
  }
}
