package io.stocklog.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates an empty database on a server, pools connections to it, and drops it on close.
 *
 * <p>The drop uses {@code WITH (FORCE)}, which ends any session still connected (a consumer thread a
 * test forgot, a pool someone else opened), because a database left behind by one class is clutter
 * that grows with every run. Idempotent to close.
 */
final class ScratchDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScratchDatabase.class);
    /** Leaves room in Postgres's 63-character limit for the {@code t_} prefix and the random suffix. */
    private static final int MAX_LABEL_LENGTH = 40;

    private final PostgresEndpoint server;
    private final TestDatabase database;
    private final HikariDataSource pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScratchDatabase(PostgresEndpoint server, TestDatabase database, HikariDataSource pool) {
        this.server = server;
        this.database = database;
        this.pool = pool;
    }

    /**
     * Creates {@code t_<label>_<8 hex digits>} on {@code server}, the label lower-cased with anything but
     * letters, digits and underscores replaced.
     *
     * @throws IllegalStateException if the server refuses (no CREATEDB right, server gone)
     */
    static ScratchDatabase create(PostgresEndpoint server, String label) {
        String name = databaseName(label);
        PostgresEndpoint endpoint = server.withDatabase(name);
        execute(server, "CREATE DATABASE " + name, "create database " + name);
        try {
            HikariDataSource pool = new HikariDataSource(poolConfig(endpoint, name));
            log.info("Postgres: created database {} on the {}", name, server.source());
            return new ScratchDatabase(server, new TestDatabase(name, endpoint.jdbcUrl(), endpoint.user(),
                    endpoint.password(), pool), pool);
        } catch (RuntimeException e) {
            try {
                drop(server, name);
            } catch (RuntimeException dropFailure) {
                e.addSuppressed(dropFailure);
            }
            throw new IllegalStateException("Postgres: created database " + name + " but could not open a pool on it: "
                    + e.getMessage(), e);
        }
    }

    static String databaseName(String label) {
        String cleaned = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (cleaned.length() > MAX_LABEL_LENGTH) {
            cleaned = cleaned.substring(0, MAX_LABEL_LENGTH);
        }
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "t_" + cleaned + "_" + HexFormat.of().formatHex(random);
    }

    private static HikariConfig poolConfig(PostgresEndpoint endpoint, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.jdbcUrl());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setPoolName("test-db-" + name);
        // Open connections as tests ask for them rather than ten at once for every class.
        config.setMinimumIdle(0);
        config.setMaximumPoolSize(10);
        // A test waiting half a minute for a connection has a leak, not a slow server.
        config.setConnectionTimeout(10_000);
        return config;
    }

    TestDatabase database() {
        return database;
    }

    /** Closes the pool, then drops the database. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        pool.close();
        drop(server, database.name());
        log.info("Postgres: dropped database {}", database.name());
    }

    private static void drop(PostgresEndpoint server, String name) {
        execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "drop database " + name);
    }

    /** Runs one statement on the server's own database; names are generated, never user input. */
    private static void execute(PostgresEndpoint server, String sql, String what) {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Postgres: could not " + what + " on the " + server.source()
                    + " (" + server.jdbcUrl() + " as " + server.user() + "): " + e.getMessage(), e);
        }
    }
}
