package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

  @Test
  void theSessionTimeoutIsKafkasDefaultUnlessSetAndGoesToTheConsumer() {
    assertThat(SinkConfig.fromEnv(Map.of()).sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
    SinkConfig config = SinkConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000"));
    Properties p = OutcomeSink.consumerProperties(config);
    assertThat(p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(6000);
    assertThat(p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(2000);
    assertThat(OutcomeSink.consumerProperties(SinkConfig.fromEnv(Map.of())).get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))
        .isEqualTo(3000);
  }

  @Test
  void aSessionTimeoutTheBrokersWouldRefuseFailsAtStartNamingTheVariable() {
    assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "5999")))
        .hasMessageContaining("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS");
    assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "soon")))
        .hasMessageContaining("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS");
  }
}
