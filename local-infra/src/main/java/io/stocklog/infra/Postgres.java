package io.stocklog.infra;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postgres server found for this process, and whatever it took to get it.
 *
 * <p>{@link #locate()} tries, in order: an explicit {@code STOCKLOG_JDBC_URL} (with
 * {@code STOCKLOG_JDBC_USER}, default {@code postgres}, and {@code STOCKLOG_JDBC_PASSWORD}, default
 * empty); a server on {@code localhost:5432} that lets {@code postgres} in; an embedded Postgres
 * (zonky) unless running as root, which PostgreSQL refuses; a Testcontainers PostgreSQL when a Docker
 * engine answers. An explicit URL that does not answer is an error, never a reason to fall back:
 * silently using another server would hide the mistake.
 *
 * <p>Closing stops the embedded server or container this object started, and does nothing to a
 * server it merely found. Idempotent.
 */
public final class Postgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Postgres.class);

    private final PostgresEndpoint endpoint;
    private final AutoCloseable owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Postgres(PostgresEndpoint endpoint, AutoCloseable owned) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.owned = owned;
    }

    /**
     * Finds or starts a server by the rules above.
     *
     * @throws IllegalStateException naming every rule tried and why each failed
     */
    public static Postgres locate() {
        return PostgresLocator.fromEnvironment().locate();
    }

    /** A server someone else runs; closing leaves it alone. */
    static Postgres found(PostgresEndpoint endpoint) {
        return new Postgres(endpoint, null);
    }

    /** A server this process started; closing stops it. */
    static Postgres started(PostgresEndpoint endpoint, AutoCloseable server) {
        return new Postgres(endpoint, Objects.requireNonNull(server, "server"));
    }

    /** The server's address and login, connecting to its default database. */
    public PostgresEndpoint endpoint() {
        return endpoint;
    }

    /** Whether {@link #close()} stops the server, i.e. it was started here rather than found. */
    public boolean ownsServer() {
        return owned != null;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true) || owned == null) {
            return;
        }
        log.info("Stopping Postgres from {}", endpoint.source());
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("Postgres: could not stop the server from " + endpoint.source()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Postgres[" + endpoint + "]";
    }
}
