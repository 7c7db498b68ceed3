package io.stocklog.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The fast time text against {@link Instant}'s own, both ways. */
class IsoInstantsTest {

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.longs().between(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
        Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0),
        Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
    return net.jqwik.api.Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  @Property(tries = 5000)
  void writesWhatInstantWritesAndReadsItBack(@ForAll("instants") Instant t) {
    assertThat(IsoInstants.format(t)).isEqualTo(t.toString());
    assertThat(IsoInstants.parse(t.toString())).isEqualTo(t);
  }

  @Property(tries = 5000)
  void readsATextOnlyAsInstantReadsItAndNeverWhatInstantRefuses(@ForAll("texts") String text) {
    Instant fast = IsoInstants.parse(text);
    if (fast == null) {
      return;
    }
    assertThat(Instant.parse(text)).isEqualTo(fast);
  }

  @Example
  void leavesOtherFormsToTheGeneralParser() {
    for (String s : List.of("2026-01-01T00:00:00+00:00", "2026-01-01t00:00:00z", "2016-12-31T23:59:60Z",
        "2026-02-30T00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "+10000-01-01T00:00:00Z",
        "2026-01-01 00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z")) {
      assertThat(IsoInstants.parse(s)).as(s).isNull();
    }
    assertThat(IsoInstants.format(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("+10000-01-01T00:00:00Z");
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> digitsAndSeparators = Arbitraries.strings().withChars("0123456789-:TZ.").ofMinLength(19)
        .ofMaxLength(31);
    Arbitrary<String> nearValid = instants().map(Instant::toString).flatMap(s -> Arbitraries.integers()
        .between(0, s.length() - 1).flatMap(i -> Arbitraries.of('0', '1', '5', '9', '-', ':', 'T', 'Z', '.', 'x')
            .map(c -> s.substring(0, i) + c + s.substring(i + 1))));
    return Arbitraries.oneOf(digitsAndSeparators, nearValid);
  }
}
