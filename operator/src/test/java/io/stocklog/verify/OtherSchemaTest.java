package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.StockReceived;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A read model in a schema other than {@code public} is read there and nowhere else; a partition without an
 * {@code applied_position} row has nothing applied; and a SKU event a producer put outside its SKU's home
 * partition is not decided there (no second serial writer): it counts as decided only once its forwarded copy is
 * at home, so with no projector to forward it, the check says where it is and that no copy reached home; with
 * the copy at home, it is decided once.
 */
@WithInfra
class OtherSchemaTest {

  private static final Instant T = Instant.parse("2100-01-01T00:00:00Z");

  @Test
  void readsTheGivenSchemaOnlyAndFlagsASkuSplitAcrossPartitions(TestKafka kafka, TestDatabase db) throws Exception {
    ReadModelSchema.migrate(db.dataSource(), "public");
    ReadModelSchema.migrate(db.dataSource(), "shadow");
    String topic = kafka.createUniqueTopic("events", 2);
    StockReceived first = Events.received("sku-x", "r-1", 4, T);
    StockReceived second = Events.received("sku-x", "r-2", 6, T);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "max.in.flight.requests.per.connection", 1),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] key = "sku-x".getBytes(StandardCharsets.UTF_8);
      // Keyed by its SKU, but sent to a partition of the producer's choosing: sku-x's home of 2 is 0 (murmur2).
      producer.send(new ProducerRecord<>(topic, 0, key, EventCodec.encode(first))).get();
      producer.send(new ProducerRecord<>(topic, 1, key, EventCodec.encode(second))).get();
    }
    // The shadow read model has applied partition 0 exactly; partition 1 has no row, so nothing of it applies.
    execute(db, "insert into shadow.sku_stock values ('sku-x', 4, 0, 4, 0, 0, ?)", Timestamp.from(T));
    execute(db, "insert into shadow.applied_position values (0, 0, now())");
    // A decoy in public that a query of the wrong schema would find.
    execute(db, "insert into public.sku_stock values ('decoy', 1, 0, 1, 0, 0, ?)", Timestamp.from(T));

    ReadModelDiff shadow = ReadModelDiff.compare(kafka.bootstrapServers(), topic, db.dataSource(), "shadow");
    ReadModelDiff pub = ReadModelDiff.compare(kafka.bootstrapServers(), topic, db.dataSource(), "public");
    InvariantReport report = InvariantChecker.check(kafka.bootstrapServers(),
        TopicSettings.defaults().withNames(topic, topic + "-outcomes", topic + "-dlq"), db.dataSource(), "shadow",
        List.of(first.eventId(), second.eventId()));

    assertThat(shadow.differences()).isEmpty();
    assertThat(shadow.through()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 0L, 1, -1L));
    assertThat(pub.differences()).extracting(ReadModelDiff.Difference::describe).containsExactly(
        "sku_stock decoy: in the read model but not in the log up to its positions: on_hand=1, reserved=0,"
            + " available=1, position=0-0, updated_at=2100-01-01T00:00:00Z");
    assertThat(HomePartition.of("sku-x", 2)).isZero();
    assertThat(report.violations()).containsExactly("event " + second.eventId() + ": accepted but never decided: "
        + "outside its home partition at 1-0 (forwarded to partition 0), and no copy at home");
    assertThat(report.eventsReplayed()).as("the home copy only").isEqualTo(1);

    // Its copy at home, as the projector forwards it: decided there, once; the misplaced one does not count.
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, 0, null, "sku-x".getBytes(StandardCharsets.UTF_8),
          EventCodec.encode(second), List.<Header>of(new RecordHeader(HomePartition.FORWARDED_FROM_HEADER,
              "1-0".getBytes(StandardCharsets.UTF_8))))).get();
    }
    InvariantReport forwarded = InvariantChecker.check(kafka.bootstrapServers(),
        TopicSettings.defaults().withNames(topic, topic + "-outcomes", topic + "-dlq"), db.dataSource(), "shadow",
        List.of(first.eventId(), second.eventId()));
    assertThat(forwarded.violations()).isEmpty();
    assertThat(forwarded.eventsReplayed()).isEqualTo(2);
  }

  private static void execute(TestDatabase db, String sql, Object... values) throws Exception {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setObject(i + 1, values[i]);
      }
      s.executeUpdate();
    }
  }
}
