package io.stocklog.infra;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a Postgres server answers and how to log in.
 *
 * @param jdbcUrl  a {@code jdbc:postgresql:} URL, naming the database to connect to
 * @param user     the role to log in as
 * @param password its password; empty when the server trusts the connection
 * @param source   which rule of {@link Postgres#locate()} found the server, for messages and logs
 */
public record PostgresEndpoint(String jdbcUrl, String user, String password, String source) {
    private static final String PREFIX = "jdbc:postgresql:";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,63}");

    public PostgresEndpoint {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(source, "source");
        if (!jdbcUrl.startsWith(PREFIX)) {
            throw new IllegalArgumentException("jdbcUrl must start with " + PREFIX + ", was " + jdbcUrl);
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
    }

    /**
     * The same server and login, connecting to {@code database} instead; URL parameters are kept.
     *
     * @throws IllegalArgumentException unless the name is 1 to 63 of {@code [A-Za-z0-9_]}, which needs
     *                                  no escaping in a URL or SQL
     */
    public PostgresEndpoint withDatabase(String database) {
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database must be 1 to 63 of [A-Za-z0-9_], was " + database);
        }
        String rest = jdbcUrl.substring(PREFIX.length());
        int query = rest.indexOf('?');
        String parameters = query < 0 ? "" : rest.substring(query);
        String location = query < 0 ? rest : rest.substring(0, query);
        String url;
        if (location.startsWith("//")) {
            int slash = location.indexOf('/', 2);
            String hosts = slash < 0 ? location.substring(2) : location.substring(2, slash);
            url = PREFIX + "//" + hosts + "/" + database + parameters;
        } else {
            url = PREFIX + database + parameters;
        }
        return new PostgresEndpoint(url, user, password, source);
    }

    /** Leaves the password out, so an endpoint can be logged. */
    @Override
    public String toString() {
        return "PostgresEndpoint[jdbcUrl=" + jdbcUrl + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", source=" + source + "]";
    }
}
