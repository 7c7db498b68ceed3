package io.stocklog.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Checks;
import org.junit.jupiter.api.Test;

class LineIdsTest {

  @Test
  void anIdIsOlAnd32HexDigitsOfWhatTheRecordIsAndAValidEventId() {
    String id = LineIds.of("o-9", 1, "hold", "sku-1");

    assertThat(id).matches("ol-[0-9a-f]{32}").matches(Checks.ID);
    // SHA-256("o-9|1|hold|sku-1"), first 16 bytes: pinned, so a change of the scheme cannot pass unnoticed.
    assertThat(id).isEqualTo("ol-9b744dea2f2fb4089bc5f361ede0199a");
  }

  @Test
  void everyPartOfWhatTheRecordIsChangesTheId() {
    String id = LineIds.of("o-9", 1, "hold", "sku-1");

    assertThat(LineIds.of("o-8", 1, "hold", "sku-1")).isNotEqualTo(id);
    assertThat(LineIds.of("o-9", 2, "hold", "sku-1")).isNotEqualTo(id);
    assertThat(LineIds.of("o-9", 1, "release", "sku-1")).isNotEqualTo(id);
    assertThat(LineIds.of("o-9", 1, "hold", "sku-2")).isNotEqualTo(id);
  }
}
