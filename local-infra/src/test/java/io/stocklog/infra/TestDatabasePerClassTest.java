package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs three fixture classes through a nested JUnit engine, in order, and checks what each saw: the
 * first two get different databases (one per class, the same for every test in it), and the third,
 * on the same server, finds neither of them in {@code pg_database} any more.
 */
class TestDatabasePerClassTest {
    private static final Map<String, Set<String>> databasesByFixture = new ConcurrentHashMap<>();
    private static final Map<String, List<String>> seenByLastFixture = new ConcurrentHashMap<>();

    @Test
    void eachClassGetsItsOwnDatabaseWhichIsDroppedAfterTheClass() {
        databasesByFixture.clear();
        seenByLastFixture.clear();

        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME,
                        ClassOrderer.OrderAnnotation.class.getName())
                .selectors(selectClass(FirstFixture.class), selectClass(SecondFixture.class),
                        selectClass(LastFixture.class))
                .execute();

        List<String> failures = results.allEvents().failed().stream()
                .map(event -> event.getTestDescriptor().getDisplayName() + ": " + event
                        .getRequiredPayload(TestExecutionResult.class).getThrowable()
                        .map(Throwable::toString).orElse("no cause"))
                .toList();
        assertThat(failures).as("failures inside the fixture classes, including their after-class cleanup").isEmpty();
        assertThat(results.testEvents().succeeded().count()).as("fixture tests that passed").isEqualTo(5);

        Set<String> first = databasesByFixture.get("first");
        Set<String> second = databasesByFixture.get("second");
        assertThat(first).as("databases seen by the two tests of the first class").hasSize(1);
        assertThat(second).as("databases seen by the two tests of the second class").hasSize(1);
        assertThat(first).as("the first class's database against the second's").doesNotContainAnyElementsOf(second);
        assertThat(seenByLastFixture).as("what the last class looked for").containsKeys("own", "found");
        // Its own database is in the query too, to prove the query finds a database that exists.
        assertThat(seenByLastFixture.get("found"))
                .as("the first two classes' databases and the last one's, looked up in pg_database after the first two finished")
                .containsExactlyElementsOf(seenByLastFixture.get("own"));
    }

    private static void record(String fixture, TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT current_database()");
             ResultSet result = statement.executeQuery()) {
            result.next();
            assertThat(result.getString(1)).isEqualTo(database.name());
        }
        databasesByFixture.computeIfAbsent(fixture, key -> ConcurrentHashMap.newKeySet()).add(database.name());
    }

    @WithInfra
    @Order(1)
    static class FirstFixture {
        @Test
        void connectsToItsDatabase(TestDatabase database) throws SQLException {
            record("first", database);
        }

        @Test
        void connectsToTheSameDatabaseAgain(TestDatabase database) throws SQLException {
            record("first", database);
        }
    }

    @WithInfra
    @Order(2)
    static class SecondFixture {
        @Test
        void connectsToItsDatabase(TestDatabase database) throws SQLException {
            record("second", database);
        }

        @Test
        void connectsToTheSameDatabaseAgain(TestDatabase database) throws SQLException {
            record("second", database);
        }
    }

    @WithInfra
    @Order(3)
    static class LastFixture {
        @Test
        void findsTheEarlierDatabasesGone(TestDatabase database) throws SQLException {
            List<String> earlier = new ArrayList<>();
            databasesByFixture.values().forEach(earlier::addAll);
            assertThat(earlier).as("databases recorded by the earlier classes").hasSize(2);
            List<String> wanted = new ArrayList<>(earlier);
            wanted.add(database.name());
            List<String> found = new ArrayList<>();
            try (Connection connection = database.dataSource().getConnection();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT datname FROM pg_database WHERE datname = ANY (?)")) {
                statement.setArray(1, connection.createArrayOf("text", wanted.toArray()));
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        found.add(result.getString(1));
                    }
                }
            }
            seenByLastFixture.put("own", List.of(database.name()));
            seenByLastFixture.put("found", found);
        }
    }
}
