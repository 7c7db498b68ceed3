package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the search, made to match or fail on purpose. The server that answers is whatever
 * {@link Postgres#locate()} finds on this machine, fed back in as the explicit URL or as the local
 * candidate, so these tests pass under any rule.
 */
class PostgresLocatorTest {
    private static Postgres real;
    private static PostgresEndpoint closedPort;

    @BeforeAll
    static void findARealServerAndAClosedPort() throws IOException {
        real = Postgres.locate();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        closedPort = new PostgresEndpoint("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "",
                "server on 127.0.0.1:" + port);
    }

    @AfterAll
    static void stopTheRealServerIfStartedHere() {
        real.close();
    }

    @Test
    void usesTheUrlFromTheEnvironmentFirst() {
        PostgresEndpoint server = real.endpoint();
        PostgresLocator locator = new PostgresLocator(Map.of(
                PostgresLocator.URL_VARIABLE, server.jdbcUrl(),
                PostgresLocator.USER_VARIABLE, server.user(),
                PostgresLocator.PASSWORD_VARIABLE, server.password()), "root", server, () -> false);

        try (Postgres found = locator.locate()) {
            assertThat(found.endpoint().source()).isEqualTo("environment STOCKLOG_JDBC_URL");
            assertThat(found.endpoint().jdbcUrl()).isEqualTo(server.jdbcUrl());
            assertThat(found.ownsServer()).isFalse();
        }
    }

    @Test
    void usesTheLocalServerWhenNoUrlIsSet() {
        PostgresLocator locator = new PostgresLocator(Map.of(), "root", real.endpoint(), () -> false);

        try (Postgres found = locator.locate()) {
            assertThat(found.endpoint()).isEqualTo(real.endpoint());
            assertThat(found.ownsServer()).isFalse();
        }
    }

    @Test
    void neverFallsBackFromAnExplicitUrlThatDoesNotAnswer() {
        PostgresLocator locator = new PostgresLocator(Map.of(PostgresLocator.URL_VARIABLE, closedPort.jdbcUrl()),
                "root", real.endpoint(), () -> false);

        assertThatThrownBy(locator::locate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Postgres: STOCKLOG_JDBC_URL is set to " + closedPort.jdbcUrl()
                        + " but connecting as postgres failed: ")
                .hasMessageEndingWith("(an explicit URL is never replaced by another server; fix or unset it)");
    }

    @Test
    void explainsEveryRuleItTriedWhenNoneFindsAServer() {
        PostgresLocator locator = new PostgresLocator(Map.of(), "root", closedPort, () -> false);

        assertThatThrownBy(locator::locate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Postgres: no server found. Tried, in order:\n  1. STOCKLOG_JDBC_URL: not set\n  2. "
                        + closedPort.source() + " (" + closedPort.jdbcUrl() + " as postgres): ")
                .hasMessageContaining("\n  3. embedded Postgres (zonky): skipped, running as root and PostgreSQL refuses to run as root"
                        + "\n  4. Testcontainers PostgreSQL: skipped, no Docker engine answers"
                        + "\nSet STOCKLOG_JDBC_URL (and STOCKLOG_JDBC_USER, STOCKLOG_JDBC_PASSWORD) to use a server of your own.");
    }

    @Test
    void leavesAServerItOnlyFoundRunningWhenClosed() {
        Postgres found = Postgres.found(real.endpoint());

        found.close();
        found.close();

        assertThat(PostgresLocator.unreachable(real.endpoint())).as("the server after close").isEmpty();
    }

    @Test
    void aPasswordInTheJdbcUrlIsNeverLogged() {
        assertThat(PostgresLocator.masked("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true")
                .doesNotContain("s3cret");
        assertThat(PostgresLocator.masked("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    }
}
