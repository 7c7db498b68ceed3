package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** EmbeddedKafka used as the local stack will use it: from plain code, no extension. */
class EmbeddedKafkaTest {

    @Test
    void startsWithoutJUnitServesClientsAndClosesIdempotently() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(1);
        String bootstrapServers = kafka.bootstrapServers();
        try (Admin admin = kafka.newAdmin()) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .as("brokers seen by an Admin client at %s", bootstrapServers).hasSize(1);
        } finally {
            kafka.close();
        }
        kafka.close();

        String[] hostAndPort = bootstrapServers.split(":");
        assertThatThrownBy(() -> new Socket(hostAndPort[0], Integer.parseInt(hostAndPort[1])).close())
                .as("a connection to the closed broker").isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> kafka.createTopic("after-close", 1, 1, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the Kafka cluster at " + bootstrapServers + " is closed");
    }

    @Test
    void rejectsAClusterWithoutBrokers() {
        assertThatThrownBy(() -> EmbeddedKafka.start(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokers must be at least 1, was 0");
    }

    @Test
    void sizesInternalTopicsForOneBroker() {
        assertThat(EmbeddedKafka.brokerConfig(1, Map.of()))
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void sizesInternalTopicsForThreeBrokersSoOneCanStop() {
        assertThat(EmbeddedKafka.brokerConfig(3, Map.of()))
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void overridesWinOverDefaults() {
        assertThat(EmbeddedKafka.brokerConfig(1, Map.of("auto.create.topics.enable", "true")))
                .containsEntry("auto.create.topics.enable", "true");
    }
}
