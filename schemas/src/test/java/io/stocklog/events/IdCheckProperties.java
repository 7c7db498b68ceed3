package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Checks#isId}, the hand-written loop on the hot path, accepts exactly what the {@link Checks#ID} regex does. */
class IdCheckProperties {

  @Property(tries = 3000)
  void agreesWithTheRegexOnAnyString(@ForAll("nearIds") String value) {
    assertThat(Checks.isId(value)).isEqualTo(Checks.ID.matcher(value).matches());
  }

  /** Mostly ID characters, with every kind of intruder near the edges of the class and of the length. */
  @Provide
  Arbitrary<String> nearIds() {
    Arbitrary<Character> idChars = Arbitraries.chars().with("azAZ09._:-mQ5".toCharArray());
    Arbitrary<Character> intruders = Arbitraries.chars()
        .with('/', '@', '[', '`', '{', ' ', '\n', '\u0000', '\u00e9', '\u0660', '+', ',', ';', '\u212a', '\u017f');
    Arbitrary<Character> any = Arbitraries.chars().all();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, idChars), net.jqwik.api.Tuple.of(2, intruders), net.jqwik.api.Tuple.of(1, any))
        .list().ofMinSize(0).ofMaxSize(70)
        .map(cs -> {
          StringBuilder b = new StringBuilder(cs.size());
          cs.forEach(b::append);
          return b.toString();
        });
  }

  @Example
  void lengthBoundsAreOneToSixtyFour() {
    assertThat(Checks.isId("")).isFalse();
    assertThat(Checks.isId("a")).isTrue();
    assertThat(Checks.isId("a".repeat(64))).isTrue();
    assertThat(Checks.isId("a".repeat(65))).isFalse();
    // The Kelvin sign and long s fold to k and s case-insensitively; the check is not case-insensitive.
    assertThat(Checks.isId("\u212a")).isFalse();
  }
}
