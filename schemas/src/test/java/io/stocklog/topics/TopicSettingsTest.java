package io.stocklog.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicSettingsTest {

  @Test
  void anEmptyEnvironmentGivesTheDocumentedDefaults() {
    TopicSettings s = TopicSettings.fromEnv(Map.of());

    assertThat(s).isEqualTo(TopicSettings.defaults());
    assertThat(s.events()).isEqualTo("inventory.events");
    assertThat(s.outcomes()).isEqualTo("inventory.outcomes");
    assertThat(s.deadLetters()).isEqualTo("inventory.dead-letters");
    assertThat(s.partitions()).isEqualTo(12);
    assertThat(s.replication()).isEqualTo((short) 1);
    assertThat(s.minInsync()).isEqualTo(1);
  }

  @Test
  void blankValuesFallBackToTheDefaults() {
    TopicSettings s = TopicSettings.fromEnv(Map.of(
        "STOCKLOG_EVENTS_TOPIC", " ",
        "STOCKLOG_PARTITIONS", "",
        "STOCKLOG_REPLICATION", "  "));

    assertThat(s).isEqualTo(TopicSettings.defaults());
  }

  @Test
  void everyVariableIsReadAndTrimmed() {
    TopicSettings s = TopicSettings.fromEnv(Map.of(
        "STOCKLOG_EVENTS_TOPIC", " ev ",
        "STOCKLOG_OUTCOMES_TOPIC", "out",
        "STOCKLOG_DEAD_LETTER_TOPIC", "dlq",
        "STOCKLOG_PARTITIONS", " 6 ",
        "STOCKLOG_REPLICATION", "3",
        "STOCKLOG_MIN_INSYNC", "2"));

    assertThat(s).isEqualTo(new TopicSettings("ev", "out", "dlq", 6, (short) 3, 2));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      STOCKLOG_EVENTS_TOPIC      | no spaces
      STOCKLOG_EVENTS_TOPIC      | a/b
      STOCKLOG_OUTCOMES_TOPIC    | out*
      STOCKLOG_DEAD_LETTER_TOPIC | dead letters
      STOCKLOG_PARTITIONS        | many
      STOCKLOG_PARTITIONS        | 0
      STOCKLOG_PARTITIONS        | -3
      STOCKLOG_PARTITIONS        | 10001
      STOCKLOG_PARTITIONS        | 99999999999
      STOCKLOG_REPLICATION       | two
      STOCKLOG_REPLICATION       | 0
      STOCKLOG_MIN_INSYNC        | x
      STOCKLOG_MIN_INSYNC        | 0
      STOCKLOG_MIN_INSYNC        | 2
      """)
  void aBadValueFailsNamingItsVariable(String variable, String value) {
    assertThatThrownBy(() -> TopicSettings.fromEnv(Map.of(variable, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(variable + " must ")
        .hasMessageContaining(value);
  }

  @Test
  void aTopicNameLongerThanKafkaAllowsFailsNamingItsVariable() {
    String tooLong = "t".repeat(250);

    assertThatThrownBy(() -> TopicSettings.fromEnv(Map.of("STOCKLOG_OUTCOMES_TOPIC", tooLong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("STOCKLOG_OUTCOMES_TOPIC must be a Kafka topic name");
  }

  @Test
  void withNamesAndWithPartitionsKeepTheRest() {
    TopicSettings s = TopicSettings.defaults().withNames("e", "o", "d").withPartitions(6);

    assertThat(s).isEqualTo(new TopicSettings("e", "o", "d", 6, (short) 1, 1));
  }

  @Test
  void aReplicationBeyondAShortFailsNamingItsVariable() {
    assertThatThrownBy(() -> TopicSettings.fromEnv(Map.of("STOCKLOG_REPLICATION", "65537")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("STOCKLOG_REPLICATION must ")
        .hasMessageContaining("65537");
  }

  @Test
  void theOutcomesCannotBeWrittenIntoTheSystemOfRecord() {
    assertThatThrownBy(() -> TopicSettings.fromEnv(Map.of("STOCKLOG_OUTCOMES_TOPIC", TopicSettings.DEFAULT_EVENTS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be three different topics");
  }

  @Test
  void dotNamesThatKafkaRejectsAreRefused() {
    assertThatThrownBy(() -> TopicSettings.fromEnv(Map.of("STOCKLOG_EVENTS_TOPIC", "..")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("STOCKLOG_EVENTS_TOPIC must be a Kafka topic name");
  }
}
