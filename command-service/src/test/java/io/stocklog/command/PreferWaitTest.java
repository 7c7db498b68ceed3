package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.http.ProblemException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreferWaitTest {

  @Test
  void readsTheWaitPreferenceAmongOthers() {
    assertThat(PreferWait.parse(List.of("wait=5"))).contains(new PreferWait(5));
    assertThat(PreferWait.parse(List.of("respond-async, Wait=30"))).contains(new PreferWait(30));
    assertThat(PreferWait.parse(List.of("return=minimal", "wait=\"7\"; foo=bar"))).contains(new PreferWait(7));
    assertThat(PreferWait.parse(List.of("wait=0"))).contains(new PreferWait(0));
  }

  @Test
  void noWaitPreferenceMeansNoWait() {
    assertThat(PreferWait.parse(List.of())).isEqualTo(Optional.empty());
    assertThat(PreferWait.parse(List.of("respond-async", "return=representation"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"wait=31", "wait=-1", "wait=x", "wait=", "wait", "wait=1.5", "wait=99999999999"})
  void anInvalidWaitIsA400NamingPrefer(String header) {
    assertThatThrownBy(() -> PreferWait.parse(List.of(header)))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(400);
          assertThat(e.problem().detail()).startsWith("Prefer: wait");
        });
  }
}
