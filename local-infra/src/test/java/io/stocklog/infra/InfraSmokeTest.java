package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The environment every broker- or database-backed test relies on: if this fails, look here first. */
@WithInfra
class InfraSmokeTest {
    private static final int RECORDS = 100;

    @Test
    void kafkaReturnsEveryRecordWrittenWithAcksAllInOrder(TestKafka kafka) throws Exception {
        String topic = kafka.createUniqueTopic("smoke", 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            sent.add("event-" + i);
        }

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                // The settings the command service writes with: durable on every in-sync replica, no duplicates.
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (String value : sent) {
                acks.add(producer.send(new ProducerRecord<>(topic, "sku-1", value)));
            }
            for (int i = 0; i < acks.size(); i++) {
                try {
                    assertThat(acks.get(i).get(30, TimeUnit.SECONDS).offset())
                            .as("Kafka: offset of record %d in %s", i, topic).isEqualTo(i);
                } catch (ExecutionException | TimeoutException e) {
                    fail("Kafka at %s did not acknowledge record %d of %s: %s", kafka.bootstrapServers(), i, topic, e);
                }
            }
        }

        assertThat(readValues(kafka, topic, RECORDS, Duration.ofSeconds(30)))
                .as("Kafka: the values read back from %s at %s", topic, kafka.bootstrapServers())
                .containsExactlyElementsOf(sent);
    }

    @Test
    void postgresRunsQueriesInTheClassDatabase(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE stock (sku text PRIMARY KEY, on_hand int NOT NULL)");
            statement.execute("INSERT INTO stock VALUES ('sku-1', 7), ('sku-2', 3)");
            try (ResultSet result = statement.executeQuery(
                    "SELECT current_database(), sum(on_hand), count(*) FROM stock")) {
                assertThat(result.next()).as("Postgres: a row from %s", database).isTrue();
                assertThat(result.getString(1)).as("Postgres: the database the pool connects to").isEqualTo(database.name());
                assertThat(result.getLong(2)).as("Postgres: sum of on_hand in %s", database).isEqualTo(10);
                assertThat(result.getLong(3)).as("Postgres: rows in %s", database).isEqualTo(2);
            }
        }
    }

    static List<String> readValues(TestKafka kafka, String topic, int expected, Duration timeout) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
