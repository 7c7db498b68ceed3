package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProjectorConfigTest {

  @Test
  void anEmptyEnvironmentGivesTheDocumentedDefaults() {
    ProjectorConfig c = ProjectorConfig.fromEnv(Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.topics()).isEqualTo(TopicSettings.defaults());
    assertThat(c.applicationId()).isEqualTo("stocklog-projector");
    assertThat(c.stateDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "stocklog-projector"));
    assertThat(c.tickInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.streamThreads()).isEqualTo(1);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theProcessConfigurationLogsWithoutTheDatabasePasswordEvenInTheUrl() {
    ProjectorServiceConfig c = ProjectorServiceConfig.fromEnv(Map.of(
        "STOCKLOG_JDBC_URL", "jdbc:postgresql://db:5432/stocklog?password=hunter2&ssl=true",
        "STOCKLOG_JDBC_PASSWORD", "hunter2"));
    assertThat(c.jdbcPassword()).isEqualTo("hunter2");
    assertThat(c.toString()).doesNotContain("hunter2").contains("jdbcPassword=***")
        .contains("jdbc:postgresql://db:5432/stocklog?password=***&ssl=true");
  }

  @Test
  void everyVariableIsRead() {
    ProjectorConfig c = ProjectorConfig.fromEnv(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
        "STOCKLOG_EVENTS_TOPIC", "ev",
        "STOCKLOG_PARTITIONS", "3",
        "STOCKLOG_PROJECTOR_APP_ID", "proj-2",
        "STOCKLOG_STATE_DIR", "/var/lib/stocklog",
        "STOCKLOG_TICK_INTERVAL_MS", "250",
        "STOCKLOG_RETENTION_DAYS", "2",
        "STOCKLOG_STREAM_THREADS", "4",
        "STOCKLOG_COMMIT_INTERVAL_MS", "50"));
    assertThat(c.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
    assertThat(c.topics().events()).isEqualTo("ev");
    assertThat(c.topics().partitions()).isEqualTo(3);
    assertThat(c.applicationId()).isEqualTo("proj-2");
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/stocklog"));
    assertThat(c.tickInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(2));
    assertThat(c.streamThreads()).isEqualTo(4);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void aBadValueFailsNamingItsVariable() {
    assertThatThrownBy(() -> ProjectorConfig.fromEnv(Map.of("STOCKLOG_TICK_INTERVAL_MS", "soon")))
        .hasMessageContaining("STOCKLOG_TICK_INTERVAL_MS");
    assertThatThrownBy(() -> ProjectorConfig.fromEnv(Map.of("STOCKLOG_STREAM_THREADS", "0")))
        .hasMessageContaining("STOCKLOG_STREAM_THREADS");
    assertThatThrownBy(() -> ProjectorConfig.fromEnv(Map.of("STOCKLOG_RETENTION_DAYS", "-1")))
        .hasMessageContaining("STOCKLOG_RETENTION_DAYS");
    assertThatThrownBy(() -> ProjectorConfig.fromEnv(Map.of("STOCKLOG_PROJECTOR_APP_ID", "no spaces")))
        .hasMessageContaining("STOCKLOG_PROJECTOR_APP_ID");
  }

  @Test
  void streamsRunExactlyOnceWithTheTopicsReplication() {
    ProjectorConfig c = ProjectorConfig.fromEnv(Map.of("STOCKLOG_REPLICATION", "3", "STOCKLOG_MIN_INSYNC", "2"));
    Properties p = Projector.streamsProperties(c);
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(p.get(StreamsConfig.topicPrefix("min.insync.replicas"))).isEqualTo("2");
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
    assertThat(new StreamsConfig(p).getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("stocklog-projector");
  }

  @Test
  void streamsConfiguredSoSayNothingWorthAWarningAtEveryStart() {
    Logger streamsLog = (Logger) LoggerFactory.getLogger(StreamsConfig.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    streamsLog.addAppender(lines);
    try {
      new StreamsConfig(Projector.streamsProperties(ProjectorConfig.fromEnv(Map.of())));
      Properties rebuild = Projector.streamsProperties(ProjectorConfig.fromEnv(Map.of()));
      rebuild.putAll(Projector.rebuildProperties());
      new StreamsConfig(rebuild);
    } finally {
      streamsLog.detachAppender(lines);
    }
    assertThat(lines.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void everyStoreGetsSmallMemtablesSoADecidersCloseHasLittleToFlush() throws Exception {
    Properties p = Projector.streamsProperties(ProjectorConfig.fromEnv(Map.of()));
    assertThat(new StreamsConfig(p).getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(SmallMemtables.class);
    org.rocksdb.RocksDB.loadLibrary();
    try (org.rocksdb.Options options = new org.rocksdb.Options()) {
      long before = options.writeBufferSize();
      new SmallMemtables().setConfig("reservations", options, Map.of());
      assertThat(before).as("RocksDB's own default").isGreaterThan(SmallMemtables.WRITE_BUFFER_BYTES);
      assertThat(options.writeBufferSize()).isEqualTo(4L * 1024 * 1024);
    }
  }

  @Test
  void theSessionTimeoutBoundsHowLongACrashedInstanceHoldsItsPartitions() {
    ProjectorConfig defaults = ProjectorConfig.fromEnv(Map.of());
    assertThat(defaults.sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
    Properties p = Projector.streamsProperties(ProjectorConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000")));
    StreamsConfig streams = new StreamsConfig(p);
    Map<String, Object> consumer = streams.getMainConsumerConfigs("group", "client", 0);
    assertThat(consumer.get("session.timeout.ms")).isEqualTo(6000);
    assertThat(consumer.get("heartbeat.interval.ms")).isEqualTo(2000);

    ProjectorServiceConfig process = ProjectorServiceConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "9000"));
    assertThat(process.projector().sessionTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(process.sink().sessionTimeout()).as("the sink of the same process").isEqualTo(Duration.ofSeconds(9));

    ProjectorConfig six = ProjectorConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000"));
    assertThat(six.withApplicationId("other", Path.of("/tmp/x")).sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(six.withCommitInterval(Duration.ofSeconds(1)).sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(process.sink().withGroup("projection-2").sessionTimeout()).isEqualTo(Duration.ofSeconds(9));

    assertThatThrownBy(() -> ProjectorConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "1000")))
        .hasMessageContaining("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS");
    assertThatThrownBy(() -> ProjectorServiceConfig.fromEnv(Map.of("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "1000")))
        .hasMessageContaining("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS");
  }
}
