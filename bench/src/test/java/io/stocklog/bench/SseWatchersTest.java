package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SseWatchersTest {

  @Test
  void aPositionTokensOffsetIsItsDigitsAfterTheDash() {
    assertThat(SseWatchers.offsetOf("3-1234")).isEqualTo(1234);
    assertThat(SseWatchers.offsetOf("11-0")).isZero();
    assertThat(SseWatchers.offsetOf("3-")).isEqualTo(-1);
  }

  @Test
  void theDecisionTimeIsReadFromTheEventsJson() {
    String json = "{\"sku\":\"a\",\"onHand\":5,\"position\":\"3-7\",\"updatedAt\":\"2026-12-06T22:00:01.250Z\",\"age\":1}";
    assertThat(SseWatchers.updatedAt(json)).isEqualTo(Instant.parse("2026-12-06T22:00:01.250Z"));
    assertThat(SseWatchers.updatedAt("{\"sku\":\"a\"}")).isNull();
    assertThat(SseWatchers.updatedAt("{\"updatedAt\":\"yesterday\"}")).isNull();
  }
}
