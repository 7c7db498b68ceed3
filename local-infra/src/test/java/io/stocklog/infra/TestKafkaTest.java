package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithInfra
class TestKafkaTest {

    @Test
    void uniqueNamesKeepThePrefixAndNeverRepeat(TestKafka kafka) {
        String first = kafka.uniqueName("orders");
        String second = kafka.uniqueName("orders");

        assertThat(first).matches("orders-[0-9a-f]{10}");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void rejectsAPrefixThatIsNotALegalTopicName(TestKafka kafka) {
        assertThatThrownBy(() -> kafka.uniqueName("no spaces"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix must be 1 to 200 of [A-Za-z0-9._-], was no spaces");
    }

    @Test
    void createsATopicWithItsPartitionsAndConfig(TestKafka kafka) throws Exception {
        String topic = kafka.uniqueName("configured");

        kafka.createTopic(topic, 2, 1, Map.of("retention.ms", "-1"));

        try (Admin admin = kafka.newAdmin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(2)
                    .allSatisfy(partition -> assertThat(partition.leader()).isNotNull());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void refusesReplicationBeyondTheBrokerCount(TestKafka kafka) {
        assertThatThrownBy(() -> kafka.createTopic(kafka.uniqueName("too-wide"), 1, 2, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replication must be between 1 and 1 (the broker count), was 2");
    }

    @Test
    void refusesToCreateATopicTwice(TestKafka kafka) {
        String topic = kafka.createUniqueTopic("twice", 1);

        assertThatThrownBy(() -> kafka.createTopic(topic, 1, 1, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("topic " + topic + " already exists");
    }

    @Test
    void refusesABrokerIndexOutsideTheCluster(TestKafka kafka) {
        assertThatThrownBy(() -> kafka.stopBroker(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("broker index must be between 0 and 0, was 1");
    }

    @Test
    void doesNotCreateATopicOnFirstWrite(TestKafka kafka) throws Exception {
        String topic = kafka.uniqueName("never-created");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "v")).get())
                    .as("a write to a topic nobody created")
                    .isInstanceOf(ExecutionException.class);
        }
        try (Admin admin = kafka.newAdmin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
        }
    }
}
