package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.T0;
import static io.stocklog.readmodel.TestOutcomes.received;
import static io.stocklog.readmodel.TestOutcomes.reservation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.ReservationStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink with a real broker and a real Postgres, including Postgres refusing connections. */
@WithInfra
class OutcomeSinkTest {

  private final TestKafka kafka;
  private final TestDatabase db;
  private final String topic;
  private final String group;
  private HikariDataSource pool;
  private KafkaProducer<String, Outcome> producer;
  private ReadModelQueries queries;

  OutcomeSinkTest(TestKafka kafka, TestDatabase db) {
    this.kafka = kafka;
    this.db = db;
    this.topic = kafka.createUniqueTopic("outcomes", 2);
    this.group = kafka.uniqueName("read-model");
  }

  @BeforeEach
  void open() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    // The sink must notice an outage in well under a second, not after the test pool's ten.
    config.setConnectionTimeout(300);
    config.setValidationTimeout(250);
    pool = new HikariDataSource(config);
    queries = new ReadModelQueries(db.dataSource());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("outcomes-tx"));
    producer = new KafkaProducer<>(p, new StringSerializer(), JsonSerde.of(Outcome.class).serializer());
    producer.initTransactions();
  }

  @AfterEach
  void close() {
    producer.close();
    pool.close();
  }

  /** Writes outcomes in one transaction, each to the partition of its position, as the projector does. */
  private void publish(List<Outcome> outcomes) {
    producer.beginTransaction();
    for (Outcome o : outcomes) {
      producer.send(new ProducerRecord<>(topic, Position.parse(o.position()).partition(), o.sku(), o));
    }
    producer.commitTransaction();
  }

  private SinkConfig config() {
    return new SinkConfig(kafka.bootstrapServers(), topic, group, 2000, Duration.ofMillis(200),
        Duration.ofMillis(400));
  }

  @Test
  void appliesCommittedOutcomesAndAdvancesPositionsThenSurvivesPostgresRefusingConnections()
      throws Exception {
    Instant deadline = T0.plusSeconds(600);
    publish(List.of(
        received("a", 10, 10, 0, 0, 0),
        reservation("a", "o-1", Decision.HELD, 4, 10, 4, deadline, 0, 1),
        received("b", 3, 3, 0, 1, 0)));
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(topic, 1, "b", received("b", 99, 99, 0, 1, 50)));
    producer.abortTransaction();

    try (OutcomeSink sink = OutcomeSink.start(config(), pool)) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(queries.appliedPosition(0).flatMap(PartitionPosition::position)).contains(new Position(0, 1));
        assertThat(queries.appliedPosition(1).flatMap(PartitionPosition::position)).contains(new Position(1, 0));
      });
      assertThat(queries.sku("a").orElseThrow().available()).isEqualTo(6);
      assertThat(queries.sku("b").orElseThrow().onHand()).as("aborted outcome ignored").isEqualTo(3);
      assertThat(queries.reservation("a", "o-1").orElseThrow().status()).isEqualTo(ReservationStatus.HELD);

      // Idle: checked_at keeps moving while nothing arrives.
      Instant checked = queries.appliedPosition(0).orElseThrow().checkedAt();
      await().atMost(Duration.ofSeconds(3)).until(
          () -> queries.appliedPosition(0).orElseThrow().checkedAt().isAfter(checked));
      Map<TopicPartition, OffsetAndMetadata> committedBefore = committed();

      refuseConnections(true);
      try {
        publish(List.of(
            reservation("a", "o-1", Decision.CONFIRMED, 4, 6, 0, deadline, 0, 2),
            received("b", 2, 5, 0, 1, 1)));
        await().atMost(Duration.ofSeconds(10)).until(sink::databaseDown);
        assertThat(sink.isRunning()).isTrue();
        assertThat(committed()).as("nothing committed while Postgres is down").isEqualTo(committedBefore);
      } finally {
        refuseConnections(false);
      }

      // The test's own pooled connections were ended too; the pool replaces them as they fail.
      await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(ReadModelUnavailableException.class)
          .untilAsserted(() -> {
        assertThat(queries.sku("a").orElseThrow()).isEqualTo(new SkuRow("a", 6, 0, 6, new Position(0, 2),
            T0.plusSeconds(2)));
        assertThat(queries.sku("b").orElseThrow().onHand()).isEqualTo(5);
        assertThat(queries.reservation("a", "o-1").orElseThrow().status()).isEqualTo(ReservationStatus.CONFIRMED);
        assertThat(sink.databaseDown()).isFalse();
      });
      assertThat(sink.outages()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !committed().equals(committedBefore));
      assertThat(sink.outcomesApplied()).isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void recordsTheSizeAndTimeOfEveryAppliedBatch() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    publish(List.of(received("m-1", 1, 1, 0, 0, 0), received("m-2", 2, 2, 0, 1, 0), received("m-1", 3, 4, 0, 0, 1)));

    try (OutcomeSink sink = OutcomeSink.start(config(), pool, metrics)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.outcomesApplied() == 3);
      DistributionSummary size = metrics.get("stocklog.sink.batch.size").summary();
      Timer time = metrics.get("stocklog.sink.batch").timer();
      assertThat(size.totalAmount()).isEqualTo(3);
      assertThat(size.count()).isEqualTo(sink.batchesApplied()).isEqualTo(time.count()).isPositive();
      assertThat(time.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }
  }

  @Test
  void anOutcomeTheReadModelRefusesStopsTheSinkThereInsteadOfRetryingItForever() throws Exception {
    publish(List.of(received("ok-1", 1, 1, 0, 0, 0)));
    try (OutcomeSink sink = OutcomeSink.start(config(), pool)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.outcomesApplied() == 1);
      Map<TopicPartition, OffsetAndMetadata> committedBefore = committed();
      // An impossible outcome (more reserved than on hand): the table's check refuses it every time.
      Outcome impossible = new Outcome("e-1", "StockReceived", "bad-1", "r-1", Decision.RECEIVED, null, 1, 1, 5,
          null, false, T0.plusSeconds(1), new Position(0, 1).token());
      publish(List.of(impossible));

      await().atMost(Duration.ofSeconds(20)).until(() -> !sink.isRunning());
      assertThat(sink.failure()).hasValueSatisfying(why -> assertThat(why)
          .contains("0-1").contains("not an outage").contains("sku_stock_reserved_within_on_hand"));
      assertThat(sink.databaseDown()).as("not mistaken for an outage").isFalse();
      assertThat(sink.outages()).isZero();
      assertThat(committed()).as("nothing committed past the refused batch").isEqualTo(committedBefore);
      assertThat(queries.sku("bad-1")).isEmpty();
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
    try (Admin admin = kafka.newAdmin()) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  /** Makes the test database refuse new sessions and ends the open ones, or lets them in again. */
  private void refuseConnections(boolean refuse) throws SQLException {
    String adminUrl = db.jdbcUrl().replaceFirst("/" + db.name() + "(\\?|$)", "/postgres$1");
    try (Connection c = DriverManager.getConnection(adminUrl, db.user(), db.password());
         Statement s = c.createStatement()) {
      s.execute("alter database " + db.name() + " allow_connections " + !refuse);
      if (refuse) {
        s.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + db.name() + "'");
      }
    }
  }
}
