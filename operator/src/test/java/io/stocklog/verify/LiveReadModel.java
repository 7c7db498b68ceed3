package io.stocklog.verify;

import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.projector.ProjectorConfig;
import io.stocklog.projector.ProjectorService;
import io.stocklog.projector.ProjectorServiceConfig;
import io.stocklog.readmodel.SinkConfig;
import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real projector process ({@link ProjectorService}: Kafka Streams exactly-once, its ticks, the outcome
 * sink writing the read model into {@code public} of a test's own database) on topics of the test's own.
 */
final class LiveReadModel implements AutoCloseable {

  final TestKafka kafka;
  final TestDatabase db;
  final TopicSettings topics;
  final ProjectorService service;

  private LiveReadModel(TestKafka kafka, TestDatabase db, TopicSettings topics, ProjectorService service) {
    this.kafka = kafka;
    this.db = db;
    this.topics = topics;
    this.service = service;
  }

  static LiveReadModel start(TestKafka kafka, TestDatabase db, Path stateDir, int partitions) {
    TopicSettings topics = TopicSettings.defaults().withPartitions(partitions)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"));
    try (Admin admin = kafka.newAdmin()) {
      TopicBootstrap.ensure(admin, topics);
    }
    ProjectorConfig projector = new ProjectorConfig(kafka.bootstrapServers(), topics, kafka.uniqueName("projector"),
        stateDir, Duration.ofSeconds(1), Duration.ofDays(ProjectorConfig.DEFAULT_RETENTION_DAYS), 1,
        Duration.ofMillis(100));
    ProjectorService service = ProjectorService.start(new ProjectorServiceConfig(projector,
        SinkConfig.of(kafka.bootstrapServers(), topics.outcomes(), kafka.uniqueName("sink")),
        db.jdbcUrl(), db.user(), db.password(), 0));
    return new LiveReadModel(kafka, db, topics, service);
  }

  /** Appends the history's records in order (acks=all, idempotent) and returns where each landed. */
  List<Position> append(GeneratedHistory history) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (GeneratedHistory.Item item : history.items) {
        sent.add(producer.send(new ProducerRecord<>(topics.events(), item.partition(), item.key(), item.value())));
      }
      List<Position> at = new ArrayList<>();
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get(30, TimeUnit.SECONDS);
        at.add(new Position(m.partition(), m.offset()));
      }
      return at;
    }
  }

  /**
   * Waits until the read model has applied everything the log holds now: by a replay of the whole log, the
   * offset of the last event with an outcome in every partition is in {@code applied_position}, and the sink
   * has applied as many outcomes as the replay produced and has nothing left to read.
   *
   * @return the offsets the read model is then at
   */
  Map<Integer, Long> awaitCaughtUp(Duration atMost) {
    LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topics.events());
    Map<Integer, Long> lastWithOutcome = new TreeMap<>();
    long[] outcomes = new long[1];
    replay.replay(replay.lastOffsets(), (Position at, Outcome o) -> {
      lastWithOutcome.merge(at.partition(), at.offset(), Math::max);
      outcomes[0]++;
    });
    await("the read model applying the log's end " + lastWithOutcome + " (" + outcomes[0] + " outcomes)")
        .atMost(atMost).pollInterval(Duration.ofMillis(200))
        .until(() -> appliedOffsets().entrySet().containsAll(lastWithOutcome.entrySet())
            && service.sink().outcomesApplied() >= outcomes[0] && service.sink().lag() == 0);
    return lastWithOutcome;
  }

  Map<Integer, Long> appliedOffsets() throws SQLException {
    Map<Integer, Long> applied = new TreeMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("select events_partition, applied_offset from applied_position");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getLong(2));
      }
    }
    return applied;
  }

  /** Runs one statement on the read model's database, as an operator's mistake or a bug would. */
  int execute(String sql, Object... values) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setObject(i + 1, values[i]);
      }
      return s.executeUpdate();
    }
  }

  @Override
  public void close() {
    service.close();
  }
}
