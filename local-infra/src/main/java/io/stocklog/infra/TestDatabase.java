package io.stocklog.infra;

import java.util.Objects;

import javax.sql.DataSource;

/**
 * A database of its own for one test class, on the server {@link Postgres#locate()} found. Created
 * empty before the class's first use and dropped after the class; the pool behind
 * {@link #dataSource()} belongs to {@link InfraExtension}, which closes it, so tests must not.
 *
 * @param name       the database name, {@code t_<class>_<random>}
 * @param jdbcUrl    a URL connecting to this database, for code that opens its own connections
 * @param user       the role to log in as
 * @param password   its password; empty when the server trusts the connection
 * @param dataSource a connection pool on this database
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password, DataSource dataSource) {
    public TestDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Leaves the password and pool out, so a database can be named in assertion messages. */
    @Override
    public String toString() {
        return "TestDatabase[name=" + name + ", jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
    }
}
