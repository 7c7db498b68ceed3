package io.stocklog.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search behind {@link Postgres#locate()}, with the machine's facts (environment, user, the local
 * candidate, whether Docker answers) passed in so that each rule can be tested on any machine.
 */
final class PostgresLocator {
    static final String URL_VARIABLE = "STOCKLOG_JDBC_URL";
    static final String USER_VARIABLE = "STOCKLOG_JDBC_USER";
    static final String PASSWORD_VARIABLE = "STOCKLOG_JDBC_PASSWORD";
    static final PostgresEndpoint LOCAL_SERVER =
            new PostgresEndpoint("jdbc:postgresql://localhost:5432/postgres", "postgres", "", "server on localhost:5432");
    /** Seconds; a server on this machine answers in milliseconds, and a dead port must not stall every build. */
    private static final int CONNECT_TIMEOUT_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(PostgresLocator.class);

    private final Map<String, String> environment;
    private final String userName;
    private final PostgresEndpoint localCandidate;
    private final BooleanSupplier dockerAvailable;

    PostgresLocator(Map<String, String> environment, String userName, PostgresEndpoint localCandidate,
                    BooleanSupplier dockerAvailable) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.userName = Objects.requireNonNull(userName, "userName");
        this.localCandidate = Objects.requireNonNull(localCandidate, "localCandidate");
        this.dockerAvailable = Objects.requireNonNull(dockerAvailable, "dockerAvailable");
    }

    static PostgresLocator fromEnvironment() {
        return new PostgresLocator(System.getenv(), System.getProperty("user.name", ""), LOCAL_SERVER,
                StartedPostgres::dockerAvailable);
    }

    Postgres locate() {
        String url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return explicit(url);
        }
        List<String> tried = new ArrayList<>();
        tried.add(URL_VARIABLE + ": not set");

        Optional<String> localFailure = unreachable(localCandidate);
        if (localFailure.isEmpty()) {
            log.info("Postgres: using the {} ({})", localCandidate.source(), localCandidate.jdbcUrl());
            return Postgres.found(localCandidate);
        }
        tried.add(localCandidate.source() + " (" + localCandidate.jdbcUrl() + " as " + localCandidate.user()
                + "): " + localFailure.get());

        if ("root".equals(userName)) {
            tried.add("embedded Postgres (zonky): skipped, running as root and PostgreSQL refuses to run as root");
        } else {
            try {
                return StartedPostgres.embedded();
            } catch (Exception e) {
                tried.add("embedded Postgres (zonky): could not start: " + e);
            }
        }

        if (!dockerAvailable.getAsBoolean()) {
            tried.add("Testcontainers PostgreSQL: skipped, no Docker engine answers");
        } else {
            try {
                return StartedPostgres.container();
            } catch (RuntimeException e) {
                tried.add("Testcontainers PostgreSQL: could not start: " + e);
            }
        }
        throw new IllegalStateException(noServerMessage(tried));
    }

    private Postgres explicit(String url) {
        PostgresEndpoint endpoint = new PostgresEndpoint(url, environment.getOrDefault(USER_VARIABLE, "postgres"),
                environment.getOrDefault(PASSWORD_VARIABLE, ""), "environment " + URL_VARIABLE);
        Optional<String> failure = unreachable(endpoint);
        if (failure.isPresent()) {
            throw new IllegalStateException("Postgres: " + URL_VARIABLE + " is set to " + url + " but connecting as "
                    + endpoint.user() + " failed: " + failure.get()
                    + " (an explicit URL is never replaced by another server; fix or unset it)");
        }
        log.info("Postgres: using {} from {}", masked(url), URL_VARIABLE);
        return Postgres.found(endpoint);
    }

    private static String noServerMessage(List<String> tried) {
        StringBuilder message = new StringBuilder("Postgres: no server found. Tried, in order:");
        for (int i = 0; i < tried.size(); i++) {
            message.append("\n  ").append(i + 1).append(". ").append(tried.get(i));
        }
        return message.append("\nSet ").append(URL_VARIABLE).append(" (and ").append(USER_VARIABLE).append(", ")
                .append(PASSWORD_VARIABLE).append(") to use a server of your own.").toString();
    }

    /** Empty if a real connection opens and answers; otherwise why not. */
    static Optional<String> unreachable(PostgresEndpoint endpoint) {
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.user());
        properties.setProperty("password", endpoint.password());
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), properties)) {
            return connection.isValid(CONNECT_TIMEOUT_SECONDS)
                    ? Optional.empty()
                    : Optional.of("connected, but the server did not answer a validity check");
        } catch (SQLException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The URL as it may be logged: a password given in it is replaced by ***. */
    static String masked(String jdbcUrl) {
        return jdbcUrl == null ? null : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
