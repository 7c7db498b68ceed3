package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the one-command stack makes of its command line and environment. */
class MainTest {

  @Test
  void byDefaultTheDataIsKeptInTheHomeDirectoryAndKafkaPrefers9092() {
    Main.Settings s = Main.Settings.fromEnv(Map.of());

    assertThat(s.dataDirectory()).isEqualTo(Path.of(System.getProperty("user.home"), ".stocklog", "data"));
    assertThat(s.fresh()).isFalse();
    assertThat(s.kafkaPort()).isEqualTo(9092);
    assertThat(s.kafkaPortSet()).as("another port may be taken when 9092 is").isFalse();
    assertThat(s.database()).isEqualTo("stocklog_local");
    assertThat(s.commandPort()).isEqualTo(8081);
    assertThat(s.queryPort()).isEqualTo(8082);
    assertThat(s.projectorPort()).isEqualTo(8083);
  }

  @Test
  void theCommandLineAndTheEnvironmentChooseTheDataDirectoryPortAndAFreshStart() {
    Main.Settings s = Main.Settings.fromEnv(Map.of("STOCKLOG_DATA_DIR", "/srv/a", "STOCKLOG_KAFKA_PORT", "19092"),
        "--fresh", "--data-dir", "/srv/b");
    assertThat(s.dataDirectory()).isEqualTo(Path.of("/srv/b"));
    assertThat(s.fresh()).isTrue();
    assertThat(s.kafkaPort()).isEqualTo(19092);
    assertThat(s.kafkaPortSet()).isTrue();

    assertThat(Main.Settings.fromEnv(Map.of("STOCKLOG_DATA_DIR", "/srv/a")).dataDirectory()).isEqualTo(Path.of("/srv/a"));
    assertThat(Main.Settings.fromEnv(Map.of(), "--data-dir=/srv/c").dataDirectory()).isEqualTo(Path.of("/srv/c"));
  }

  @Test
  void badArgumentsAndValuesAreNamed() {
    assertThatThrownBy(() -> Main.Settings.fromEnv(Map.of(), "--frsh"))
        .hasMessage("unknown argument '--frsh'");
    assertThatThrownBy(() -> Main.Settings.fromEnv(Map.of("STOCKLOG_KAFKA_PORT", "70000")))
        .hasMessageContaining("STOCKLOG_KAFKA_PORT");
    assertThatThrownBy(() -> Main.Settings.fromEnv(Map.of("STOCKLOG_LOCAL_DATABASE", "Bad-Name")).options(Map.of()))
        .hasMessageContaining("database must be");
  }

  @Test
  void aStartFailureIsOneLineWithItsCauses() {
    IllegalStateException e = new IllegalStateException("Kafka: cannot start",
        new RuntimeException("port 9092 on localhost is already in use"));
    assertThat(Main.messages(e)).isEqualTo("Kafka: cannot start: port 9092 on localhost is already in use");
  }
}
