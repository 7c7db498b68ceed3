package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line the banner prints for the operator CLI and outside Kafka clients. */
class BannerTest {

  @Test
  void theExportLineHoldsWhatAJoiningProcessNeedsAndNoSecretOrStateDirectory() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STOCKLOG_STATE_DIR", "/home/me/.stocklog/data/projector");
    env.put("STOCKLOG_JDBC_PASSWORD", "secret");
    env.put("STOCKLOG_JDBC_USER", "postgres");
    env.put("STOCKLOG_JDBC_URL", "jdbc:postgresql://localhost:5432/stocklog_local");
    env.put("STOCKLOG_PARTITIONS", "12");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");

    assertThat(Banner.exportLine(env)).isEqualTo("export KAFKA_BOOTSTRAP_SERVERS=localhost:9092 STOCKLOG_PARTITIONS=12 "
        + "STOCKLOG_JDBC_URL=jdbc:postgresql://localhost:5432/stocklog_local STOCKLOG_JDBC_USER=postgres");
  }

  @Test
  void valuesAShellWouldSplitOrExpandAreQuoted() {
    assertThat(Banner.shellQuoted("localhost:9092,localhost:9093")).isEqualTo("localhost:9092,localhost:9093");
    assertThat(Banner.shellQuoted("jdbc:postgresql://h/db?ssl=true&user=x")).isEqualTo("'jdbc:postgresql://h/db?ssl=true&user=x'");
    assertThat(Banner.shellQuoted("a b$c")).isEqualTo("'a b$c'");
    assertThat(Banner.shellQuoted("it's")).isEqualTo("'it'\\''s'");
  }
}
