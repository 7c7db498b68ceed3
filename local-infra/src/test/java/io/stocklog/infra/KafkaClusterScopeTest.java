package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs fixture classes through a nested JUnit engine, in order, to check the cluster scopes
 * {@link WithInfra} promises: classes asking for the same size share one cluster, a broker one class
 * stops is running again for the next, and a dedicated cluster is its own and is gone after its class.
 */
class KafkaClusterScopeTest {
    private static final Map<String, String> seen = new ConcurrentHashMap<>();

    @Test
    void sharedClustersAreRestoredBetweenClassesAndDedicatedOnesCloseAfterTheirClass() {
        seen.clear();

        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME,
                        ClassOrderer.OrderAnnotation.class.getName())
                .selectors(selectClass(StopsABroker.class), selectClass(RunsAfterTheStop.class),
                        selectClass(HasItsOwnCluster.class))
                .execute();

        List<String> failures = results.allEvents().failed().stream()
                .map(event -> event.getTestDescriptor().getDisplayName() + ": " + event
                        .getRequiredPayload(TestExecutionResult.class).getThrowable()
                        .map(Throwable::toString).orElse("no cause"))
                .toList();
        assertThat(failures).as("failures inside the fixture classes, including their after-class cleanup").isEmpty();
        assertThat(results.testEvents().succeeded().count()).as("fixture tests that passed").isEqualTo(3);
        assertThat(seen).as("what the fixtures saw").containsKeys("stopper", "after", "dedicated");
        assertThat(seen.get("after")).as("cluster of the class after the stop").isEqualTo(seen.get("stopper"));
        assertThat(seen.get("dedicated")).as("the dedicated cluster").isNotEqualTo(seen.get("stopper"));
        String[] dedicated = seen.get("dedicated").split(",")[0].split(":");
        assertThatThrownBy(() -> new Socket(dedicated[0], Integer.parseInt(dedicated[1])).close())
                .as("a connection to the dedicated cluster after its class")
                .isInstanceOf(ConnectException.class);
    }

    @WithInfra
    @Order(1)
    static class StopsABroker {
        @Test
        void stopsTheOnlyBrokerAndLeavesItStopped(TestKafka kafka) {
            kafka.stopBroker(0);
            assertThat(kafka.isBrokerRunning(0)).isFalse();
            seen.put("stopper", kafka.bootstrapServers());
        }
    }

    @WithInfra
    @Order(2)
    static class RunsAfterTheStop {
        @Test
        void findsTheBrokerRunningAndUsable(TestKafka kafka) {
            assertThat(kafka.isBrokerRunning(0)).isTrue();
            kafka.createUniqueTopic("after-restart", 1);
            seen.put("after", kafka.bootstrapServers());
        }
    }

    @WithInfra(dedicatedKafka = true)
    @Order(3)
    static class HasItsOwnCluster {
        @Test
        void getsAClusterOfItsOwn(TestKafka kafka) {
            kafka.createUniqueTopic("dedicated", 1);
            seen.put("dedicated", kafka.bootstrapServers());
        }
    }
}
