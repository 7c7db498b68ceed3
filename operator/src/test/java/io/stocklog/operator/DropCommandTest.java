package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.readmodel.ReadModelSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drop} against a real broker and database: a projection whose projector group still has a member
 * loses everything else, and the group that could not go is named, with exit 1; a group that never existed is
 * no failure.
 */
@WithInfra
class DropCommandTest {

  @Test
  void aGroupThatCannotBeDeletedIsNamedAndTheRestIsDropped(TestKafka kafka, TestDatabase db, @TempDir Path state)
      throws Exception {
    ProjectionCatalog catalog = new ProjectionCatalog(db.dataSource());
    catalog.bootstrap(new Projection("main", kafka.uniqueName("stocklog-projector"), "public",
        kafka.uniqueName("stocklog-read-model"), kafka.uniqueName("inventory.outcomes.main"), Phase.ACTIVE, null));
    Projection old = new Projection("old", kafka.uniqueName("stocklog-projector-old"), "rm_old",
        kafka.uniqueName("stocklog-read-model-old"), kafka.uniqueName("inventory.outcomes.old"), Phase.ACTIVE, null);
    catalog.add(old);
    ReadModelSchema.migrate(db.dataSource(), old.schema());
    String changelog = old.applicationId() + "-reservations-changelog";
    kafka.createTopic(old.privateTopic(), 1, 1, Map.of());
    kafka.createTopic(changelog, 1, 1, Map.of());
    String elsewhere = kafka.createUniqueTopic("elsewhere", 1);

    try (Admin admin = kafka.newAdmin();
         // A projector of old that is still running somewhere: its group has a member and cannot be deleted.
         KafkaConsumer<byte[], byte[]> stillRunning = member(kafka, old.applicationId(), elsewhere)) {
      // The sink's group: offsets, no member (the services stopped it); deleted.
      admin.alterConsumerGroupOffsets(old.sinkGroup(),
          Map.of(new TopicPartition(old.privateTopic(), 0), new OffsetAndMetadata(0))).all().get();
      // The rebuild sink's group, sinkGroup-rebuild, was never created: nothing to report.

      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int exit = Main.run(env(kafka, db, state), new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
          "drop", "old", "--timeout", "30");
      String out = bytes.toString(StandardCharsets.UTF_8);
      System.out.println(out);

      assertThat(exit).as(out).isEqualTo(1);
      assertThat(out).contains("could not delete consumer group " + old.applicationId() + ":")
          .contains("consumer groups left: " + old.applicationId() + ";")
          .contains("dropped projection old: schema rm_old, topics " + List.of(old.privateTopic(), changelog))
          .doesNotContain(old.sinkGroup());
      assertThat(catalog.read().orElseThrow().projections()).containsOnlyKeys("main");
      assertThat(schemaExists(db, "rm_old")).isFalse();
      assertThat(admin.listTopics().names().get()).doesNotContain(old.privateTopic(), changelog).contains(elsewhere);
      Set<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
          .collect(Collectors.toSet());
      assertThat(groups).contains(old.applicationId()).doesNotContain(old.sinkGroup(), old.sinkGroup() + "-rebuild");
    }
  }

  private static Map<String, String> env(TestKafka kafka, TestDatabase db, Path state) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("STOCKLOG_JDBC_URL", db.jdbcUrl());
    env.put("STOCKLOG_JDBC_USER", db.user());
    env.put("STOCKLOG_JDBC_PASSWORD", db.password());
    env.put("STOCKLOG_OPERATOR_STATE_DIR", state.toString());
    return env;
  }

  /** A consumer in {@code group}, returned once it has joined (it holds a partition of {@code topic}). */
  private static KafkaConsumer<byte[], byte[]> member(TestKafka kafka, String group, String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (consumer.assignment().isEmpty()) {
      assertThat(System.nanoTime()).as("joined group %s in time", group).isLessThan(deadline);
      consumer.poll(Duration.ofMillis(100));
    }
    return consumer;
  }

  private static boolean schemaExists(TestDatabase db, String schema) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement s = c.prepareStatement(
             "select count(*) from information_schema.schemata where schema_name = ?")) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }
}
