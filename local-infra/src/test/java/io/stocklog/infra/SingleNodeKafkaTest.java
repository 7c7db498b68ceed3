package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's broker: what it was given survives a stop and a start on the same directory. */
class SingleNodeKafkaTest {

    @Test
    void aRestartedNodeStillHasItsTopicsAndRecords(@TempDir Path directory) throws Exception {
        int port = SingleNodeKafka.portOrFree(SingleNodeKafka.DEFAULT_PORT + 17);
        try (SingleNodeKafka kafka = SingleNodeKafka.start(directory.resolve("kafka"), port)) {
            assertThat(kafka.isNew()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
            try (Admin admin = admin(kafka)) {
                admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", 1, "sku-1", "first")).get(30, TimeUnit.SECONDS);
            }
        }

        try (SingleNodeKafka again = SingleNodeKafka.start(directory.resolve("kafka"), port)) {
            assertThat(again.isNew()).as("the second start finds the formatted directory").isFalse();
            try (Admin admin = admin(again)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
            }
            assertThat(read(again, new TopicPartition("kept", 1))).containsExactly("sku-1=first");
        }
    }

    @Test
    void aTakenPortIsRefusedByNumber(@TempDir Path directory) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(SingleNodeKafka.portFree(taken.getLocalPort())).isFalse();
            assertThat(SingleNodeKafka.portOrFree(taken.getLocalPort())).isNotEqualTo(taken.getLocalPort());
            assertThatThrownBy(() -> SingleNodeKafka.start(directory, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Kafka: port " + taken.getLocalPort() + " on localhost is already in use");
        }
    }

    @Test
    void theNodeIsOneVoterWithInternalTopicsItCanReplicate() {
        Map<String, String> config = SingleNodeKafka.config(Path.of("/data/kafka"), 9092, 40000);
        assertThat(config)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@localhost:40000")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:9092")
                .containsEntry("log.dirs", "/data/kafka")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("auto.create.topics.enable", "false");
    }

    private static Admin admin(SingleNodeKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static List<String> read(SingleNodeKafka kafka, TopicPartition partition) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
            return values;
        }
    }
}
