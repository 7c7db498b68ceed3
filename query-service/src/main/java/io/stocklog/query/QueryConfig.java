package io.stocklog.query;

import io.stocklog.config.Env;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.topics.TopicSettings;
import java.util.Map;

/**
 * The query service's settings, built from the environment by {@link #fromEnv}, each failing fast with
 * the variable's name:
 *
 * <ul>
 *   <li>{@code HTTP_PORT}, default 8082 (0 picks a free port);
 *   <li>{@code STOCKLOG_JDBC_URL}, default {@code jdbc:postgresql://localhost:5432/postgres};
 *   <li>{@code STOCKLOG_JDBC_USER}, default {@code postgres}; {@code STOCKLOG_JDBC_PASSWORD}, default empty;
 *   <li>{@code STOCKLOG_QUERY_POOL_SIZE}, default 16 connections;
 *   <li>{@code STOCKLOG_PARTITIONS}, default 12: to find a SKU's events partition (see {@link TopicSettings}).
 * </ul>
 */
public record QueryConfig(int httpPort, String jdbcUrl, String jdbcUser, String jdbcPassword, int poolSize,
                          int partitions) {

  public static final int DEFAULT_HTTP_PORT = 8082;
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/postgres";
  public static final String DEFAULT_JDBC_USER = "postgres";
  /** Enough for a few hundred reads a second of a millisecond each; waiters hold no connection. */
  public static final int DEFAULT_POOL_SIZE = 16;

  public QueryConfig {
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException("HTTP_PORT must be between 0 and 65535 (was " + httpPort + ")");
    }
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "STOCKLOG_JDBC_URL must start with jdbc:postgresql: (was '" + JdbcUrls.redacted(jdbcUrl) + "')");
    }
    if (jdbcUser == null || jdbcUser.isBlank()) {
      throw new IllegalArgumentException("STOCKLOG_JDBC_USER must not be empty");
    }
    if (jdbcPassword == null) {
      throw new IllegalArgumentException("STOCKLOG_JDBC_PASSWORD must not be null (use empty)");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("STOCKLOG_QUERY_POOL_SIZE must be between 1 and 1000 (was " + poolSize + ")");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("STOCKLOG_PARTITIONS must be at least 1 (was " + partitions + ")");
    }
  }

  public static QueryConfig fromEnv(Map<String, String> env) {
    return new QueryConfig(
        Env.integer(env, "HTTP_PORT", DEFAULT_HTTP_PORT),
        Env.text(env, "STOCKLOG_JDBC_URL", DEFAULT_JDBC_URL),
        Env.text(env, "STOCKLOG_JDBC_USER", DEFAULT_JDBC_USER),
        env.getOrDefault("STOCKLOG_JDBC_PASSWORD", ""),
        Env.integer(env, "STOCKLOG_QUERY_POOL_SIZE", DEFAULT_POOL_SIZE),
        TopicSettings.fromEnv(env).partitions());
  }

  @Override
  public String toString() {
    return "QueryConfig[httpPort=" + httpPort + ", jdbcUrl=" + JdbcUrls.redacted(jdbcUrl) + ", jdbcUser=" + jdbcUser
        + ", poolSize=" + poolSize + ", partitions=" + partitions + "]";
  }
}
