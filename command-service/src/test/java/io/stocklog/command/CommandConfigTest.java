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
    assertThat(config.auth()).isEqualTo(AuthMode.REQUIRED);
    assertThat(config.apiTokens().isEmpty()).isTrue();
  }

  @Test
  void readsEveryVariable() {
    CommandConfig config = CommandConfig.fromEnv(Map.of(
        "HTTP_PORT", "9000", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "STOCKLOG_EVENTS_TOPIC", "ev",
        "STOCKLOG_MAX_BODY_BYTES", "4096", "STOCKLOG_MAX_WAITING", "5", "STOCKLOG_APPEND_TIMEOUT_MS", "3000",
        "STOCKLOG_DEDUP_CACHE_SIZE", "0", "STOCKLOG_AUTH", "local", "STOCKLOG_API_TOKENS", TestTokens.ENV));

    assertThat(config).isEqualTo(new CommandConfig(9000, "k1:9092,k2:9092",
        io.stocklog.topics.TopicSettings.defaults().withNames("ev", "inventory.outcomes", "inventory.dead-letters"),
        4096, 5, Duration.ofMillis(3000), 0, AuthMode.LOCAL, ApiTokens.parse(TestTokens.ENV)));
  }

  @Test
  void theWaitingCapIsStillReadByItsEarlierNameAndBothNamesMustAgree() {
    assertThat(CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_WAITERS", "7")).maxWaiters()).isEqualTo(7);
    assertThat(CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_WAITING", "8", "STOCKLOG_MAX_WAITERS", "8")).maxWaiters())
        .isEqualTo(8);
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_WAITING", "8", "STOCKLOG_MAX_WAITERS", "9")))
        .hasMessageContaining("STOCKLOG_MAX_WAITING").hasMessageContaining("STOCKLOG_MAX_WAITERS");
  }

  @Test
  void authModesAreReadByName() {
    assertThat(CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", "required")).auth()).isEqualTo(AuthMode.REQUIRED);
    assertThat(CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", " disabled ")).auth()).isEqualTo(AuthMode.DISABLED);
    assertThat(CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", "local")).auth()).isEqualTo(AuthMode.LOCAL);
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", "off")))
        .hasMessageContaining("STOCKLOG_AUTH").hasMessageContaining("required, disabled or local");
  }

  @Test
  void requiredAuthWithoutATokenIsRefusedNamingBothWaysOut() {
    assertThatThrownBy(() -> CommandConfig.defaults().requireUsableAuth())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STOCKLOG_API_TOKENS").hasMessageContaining("STOCKLOG_AUTH=disabled");
    TestTokens.config().requireUsableAuth();
    CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", "disabled")).requireUsableAuth();
    CommandConfig.fromEnv(Map.of("STOCKLOG_AUTH", "local")).requireUsableAuth();
  }

  @Test
  void theServiceRefusesToStartWithRequiredAuthAndNoTokenBeforeItTouchesKafka() {
    // Nothing listens on port 1: had it tried to reach Kafka first, this would fail some other way, later.
    CommandConfig noToken = CommandConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "HTTP_PORT", "0"));
    long started = System.nanoTime();

    assertThatThrownBy(() -> CommandService.start(noToken))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("STOCKLOG_API_TOKENS");
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms to refuse").isLessThan(1_000);
  }

  @Test
  void toStringShowsHowManyTokensButNeverAToken() {
    String shown = TestTokens.config().toString();

    assertThat(shown).contains("ApiTokens[4 tokens");
    for (String token : java.util.List.of(TestTokens.OPERATOR, TestTokens.ORDERS, TestTokens.STOCK,
        TestTokens.ORDERS_AND_STOCK)) {
      assertThat(shown).doesNotContain(token);
    }
  }

  @Test
  void aBadValueFailsNamingTheVariable() {
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("HTTP_PORT", "eighty"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("HTTP_PORT", "70000"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_BODY_BYTES", "0")))
        .hasMessageContaining("STOCKLOG_MAX_BODY_BYTES");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_MAX_WAITING", "-1")))
        .hasMessageContaining("STOCKLOG_MAX_WAITING");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_APPEND_TIMEOUT_MS", "10")))
        .hasMessageContaining("STOCKLOG_APPEND_TIMEOUT_MS");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_DEDUP_CACHE_SIZE", "-1")))
        .hasMessageContaining("STOCKLOG_DEDUP_CACHE_SIZE");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_PARTITIONS", "x")))
        .hasMessageContaining("STOCKLOG_PARTITIONS");
    assertThatThrownBy(() -> CommandConfig.fromEnv(Map.of("STOCKLOG_API_TOKENS", "short=operator")))
        .hasMessageContaining("STOCKLOG_API_TOKENS").hasMessageNotContaining("short");
  }
}
