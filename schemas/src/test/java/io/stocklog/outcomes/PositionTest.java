package io.stocklog.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PositionTest {

  @Test
  void tokenRoundTrips() {
    for (Position p : List.of(new Position(0, 0), new Position(3, 41), new Position(Integer.MAX_VALUE, Long.MAX_VALUE))) {
      assertThat(Position.parse(p.token())).isEqualTo(p);
    }
    assertThat(new Position(3, 41).token()).isEqualTo("3-41");
    assertThat(new Position(3, 41)).hasToString("3-41");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a-b", "1-", "-1", "1--2", "+1-2", "1-+2", " 1-2", "1-2 ", "12", "1_2", "1-2-3",
      "0x1-2", "2147483648-0", "1-9223372036854775808", "\u0661-2"})
  void parseRejectsGarbageNamingTheToken(String token) {
    assertThatIllegalArgumentException().isThrownBy(() -> Position.parse(token))
        .withMessage("position token must be <partition>-<offset>, two non-negative integers (was \"" + token + "\")");
  }

  @Test
  void parseRejectsAVeryLongTokenShowingOnlyItsStart() {
    String token = "1".repeat(1_000) + "-1";
    assertThatIllegalArgumentException().isThrownBy(() -> Position.parse(token))
        .withMessage("position token must be <partition>-<offset>, two non-negative integers (was \"" + "1".repeat(40) + "...\")");
  }

  @Test
  void parseRejectsNull() {
    assertThatIllegalArgumentException().isThrownBy(() -> Position.parse(null)).withMessageContaining("(was null)");
  }

  @Test
  void rejectsNegativePartitionOrOffset() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Position(-1, 0)).withMessage("partition must be >= 0 (was -1)");
    assertThatIllegalArgumentException().isThrownBy(() -> new Position(0, -1)).withMessage("offset must be >= 0 (was -1)");
  }

  @Test
  void ordersByPartitionThenOffset() {
    List<Position> sorted = List.of(new Position(0, 0), new Position(0, 9), new Position(0, 10), new Position(1, 0),
        new Position(2, 3), new Position(10, 0));
    List<Position> shuffled = new ArrayList<>(sorted);
    Collections.reverse(shuffled);
    Collections.sort(shuffled);

    assertThat(shuffled).containsExactlyElementsOf(sorted);
    assertThat(new Position(4, 7).compareTo(new Position(4, 7))).isZero();
  }
}
