package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    CommandConfig config = CommandConfig.fromEnv(Map.of());

    assertThat(config.httpPort()).isEqualTo(8081);
    assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.topics().events()).isEqualTo("inventory.events");
    assertThat(config.maxBodyBytes()).isEqualTo(16_384);
    assertThat(config.maxWaiters()).isEqualTo(10_000);
    assertThat(config.appendTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.dedupCacheSize()).isEqualTo(200_000);
  }

  @Test
  void readsEveryVariable() {
    CommandConfig config = CommandConfig.fromEnv(Map.of(
        "HTTP_PORT", "9000", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "STOCKLOG_EVENTS_TOPIC", "ev",
        "STOCKLOG_MAX_BODY_BYTES", "4096", "STOCKLOG_MAX_WAITERS", "5", "STOCKLOG_APPEND_TIMEOUT_MS", "3000",
        "STOCKLOG_DEDUP_CACHE_SIZE", "0"));

    assertThat(config).isEqualTo(new CommandConfig(9000, "k1:9092,k2:9092",
        io.stocklog.topics.TopicSettings.defaults().withNames("ev", "inventory.outcomes", "inventory.dead-letters"),
        4096, 5, Duration.ofMillis(3000), 0));
  }

  @Test
  void aBadValueFailsNamingTheVariable() {
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("HTTP_PORT", "eighty"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("HTTP_PORT", "70000"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_BODY_BYTES", "0")))
        .hasMessageContaining("STOCKLOG_MAX_BODY_BYTES");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_WAITERS", "-1")))
        .hasMessageContaining("STOCKLOG_MAX_WAITERS");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_APPEND_TIMEOUT_MS", "10")))
        .hasMessageContaining("STOCKLOG_APPEND_TIMEOUT_MS");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_DEDUP_CACHE_SIZE", "-1")))
        .hasMessageContaining("STOCKLOG_DEDUP_CACHE_SIZE");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_PARTITIONS", "x")))
        .hasMessageContaining("STOCKLOG_PARTITIONS");
  }
}
