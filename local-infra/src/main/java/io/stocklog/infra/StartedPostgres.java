package io.stocklog.infra;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The two ways {@link PostgresLocator} starts a server of its own. Kept apart so that zonky's and
 * Testcontainers' classes load only when a rule actually gets this far.
 */
final class StartedPostgres {
    /** The major version the build machines' server runs, so SQL behaves the same under every rule. */
    private static final String CONTAINER_IMAGE = "postgres:15-alpine";

    private StartedPostgres() {
    }

    static Postgres embedded() throws IOException {
        EmbeddedPostgres server = EmbeddedPostgres.builder().start();
        try {
            return Postgres.started(new PostgresEndpoint(server.getJdbcUrl("postgres", "postgres"),
                    "postgres", "", "embedded Postgres (zonky)"), server);
        } catch (RuntimeException e) {
            closeAfterFailure(server, e);
            throw e;
        }
    }

    static Postgres container() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(CONTAINER_IMAGE));
        container.start();
        try {
            return Postgres.started(new PostgresEndpoint(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword(), "Testcontainers PostgreSQL"), container::stop);
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    private static void closeAfterFailure(EmbeddedPostgres server, RuntimeException failure) {
        try {
            server.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
