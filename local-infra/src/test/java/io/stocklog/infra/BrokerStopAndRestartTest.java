package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault hook later flash-sale tests use: with replication 3 and min.insync.replicas 2, one broker
 * down must not stop acks=all writes, and a restarted broker must rejoin every ISR. Broker 0 also
 * hosts the KRaft controller, so it is worth stopping separately from a plain broker.
 */
@WithInfra(brokers = 3)
class BrokerStopAndRestartTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 30;

    @ParameterizedTest(name = "broker {0}")
    @ValueSource(ints = {2, 0})
    void acksAllWritesSucceedWhileOneBrokerIsStoppedAndItRejoinsOnRestart(int stopped, TestKafka kafka)
            throws Exception {
        String topic = kafka.uniqueName("failover");
        kafka.createTopic(topic, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        String bootstrapServers = kafka.bootstrapServers();

        kafka.stopBroker(stopped);

        assertThat(kafka.isBrokerRunning(stopped)).as("broker %d after stopBroker", stopped).isFalse();
        // The controller has shrunk the ISRs; the broker answering the Admin client may see it a moment later.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(isrs(kafka, topic))
                .as("ISRs of %s with broker %d stopped", topic, stopped)
                .allSatisfy(isr -> assertThat(isr).hasSize(2).doesNotContain(stopped)));
        List<String> sent = produce(kafka, topic);

        kafka.startBroker(stopped);

        assertThat(kafka.isBrokerRunning(stopped)).as("broker %d after startBroker", stopped).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(isrs(kafka, topic))
                .as("ISRs of %s after broker %d restarted", topic, stopped)
                .allSatisfy(isr -> assertThat(isr).containsExactlyInAnyOrder(0, 1, 2)));
        assertThat(kafka.bootstrapServers()).as("bootstrap servers across the restart").isEqualTo(bootstrapServers);
        assertThat(consumeAll(kafka, topic)).as("records read back from %s after the restart", topic)
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    private static List<String> produce(TestKafka kafka, String topic) throws Exception {
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Fail in seconds, not the default two minutes, if the stop really blocked writes.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String value = "reservation-" + i;
                sent.add(value);
                acks.add(producer.send(new ProducerRecord<>(topic, "sku-" + i, value)));
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get(20, TimeUnit.SECONDS).hasOffset()).as("acks=all acknowledgement").isTrue();
            }
        }
        return sent;
    }

    private static List<List<Integer>> isrs(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.newAdmin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            List<List<Integer>> isrs = new ArrayList<>();
            for (TopicPartitionInfo partition : description.partitions()) {
                isrs.add(partition.isr().stream().map(Node::id).toList());
            }
            assertThat(isrs).as("partitions of %s", topic).hasSize(PARTITIONS);
            return isrs;
        }
    }

    private static List<String> consumeAll(TestKafka kafka, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
