package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.command.CommandSubmitter.Decided;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A decided reply written straight to bytes is the reply the JSON tree gives, byte for byte. */
class PlainRepliesTest {

  @Provide
  Arbitrary<Decided> decided() {
    Arbitrary<String> ids = Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(64);
    Arbitrary<Instant> times = Arbitraries.longs().between(0, 253_000_000_000_000L).map(Instant::ofEpochMilli);
    return Combinators.combine(ids, ids, ids, Arbitraries.of(Decision.class), Arbitraries.of(Reason.class),
        Arbitraries.longs().between(-1_000_000_000L, 1_000_000_000L), times.injectNull(0.4), times)
        .as((eventId, sku, subject, decision, reason, q, expires, decided) -> new Decided(eventId,
            new Position(3, Math.abs(q)), new Outcome(eventId, "ReservationRequested", sku, subject, decision,
            decision == Decision.REJECTED ? reason : null, q, Math.abs(q) + 5, 5, expires, q % 2 == 0, decided,
            null), Optional.empty()));
  }

  @Property(tries = 2000)
  void thePlainBytesAreTheTreesBytes(@ForAll("decided") Decided d) throws Exception {
    assertThat(new String(CommandApp.plainOutcomeFields(d), StandardCharsets.UTF_8))
        .isEqualTo(Json.MAPPER.writeValueAsString(CommandApp.outcomeFields(d)));
  }
}
