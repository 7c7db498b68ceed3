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
 *   <li>{@code STOCKLOG_PARTITIONS}, default 12: to find a SKU's events partition (see {@link TopicSettings});
 *   <li>{@code STOCKLOG_CACHE_MAX_AGE_SECONDS}, default 1: the {@code max-age} of stock reads' {@code Cache-Control}
 *       (0 to 86400; 0 makes a cache revalidate every time);
 *   <li>{@code STOCKLOG_MAX_STREAMS}, default 10000: open streams per instance, past it a {@code 503};
 *   <li>{@code STOCKLOG_STREAM_HEARTBEAT_MS}, default 15000: a comment line on every stream this often;
 *   <li>{@code STOCKLOG_WATCH_POLL_MS}, default 1000: the watcher's round when no notice came for this long.
 * </ul>
 */
public record QueryConfig(int httpPort, String jdbcUrl, String jdbcUser, String jdbcPassword, int poolSize,
                          int partitions, int cacheMaxAgeSeconds, int maxStreams, int streamHeartbeatMs,
                          int watchPollMs) {

  public static final int DEFAULT_HTTP_PORT = 8082;
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/postgres";
  public static final String DEFAULT_JDBC_USER = "postgres";
  /** Enough for a few hundred reads a second of a millisecond each; waiters hold no connection. */
  public static final int DEFAULT_POOL_SIZE = 16;
  /** Long enough that a CDN in front answers a hot SKU's storm of polls, short enough that a page is a second old. */
  public static final int DEFAULT_CACHE_MAX_AGE_SECONDS = 1;
  /** The goal: ten thousand storefront pages watching one hot SKU on one instance. */
  public static final int DEFAULT_MAX_STREAMS = 10_000;
  /** Under the 30 to 60 s after which proxies commonly close a connection that says nothing. */
  public static final int DEFAULT_STREAM_HEARTBEAT_MS = 15_000;
  /** The watcher's round without a notice: one statement a second per instance. */
  public static final int DEFAULT_WATCH_POLL_MS = 1_000;

  /** With the defaults of the caching, stream and watcher settings. */
  public QueryConfig(int httpPort, String jdbcUrl, String jdbcUser, String jdbcPassword, int poolSize,
      int partitions) {
    this(httpPort, jdbcUrl, jdbcUser, jdbcPassword, poolSize, partitions, DEFAULT_CACHE_MAX_AGE_SECONDS,
        DEFAULT_MAX_STREAMS, DEFAULT_STREAM_HEARTBEAT_MS, DEFAULT_WATCH_POLL_MS);
  }

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
    if (cacheMaxAgeSeconds < 0 || cacheMaxAgeSeconds > 86_400) {
      throw new IllegalArgumentException(
          "STOCKLOG_CACHE_MAX_AGE_SECONDS must be between 0 and 86400 (was " + cacheMaxAgeSeconds + ")");
    }
    if (maxStreams < 0 || maxStreams > 1_000_000) {
      throw new IllegalArgumentException("STOCKLOG_MAX_STREAMS must be between 0 and 1000000 (was " + maxStreams + ")");
    }
    if (streamHeartbeatMs < 10 || streamHeartbeatMs > 300_000) {
      throw new IllegalArgumentException(
          "STOCKLOG_STREAM_HEARTBEAT_MS must be between 10 and 300000 (was " + streamHeartbeatMs + ")");
    }
    if (watchPollMs < 10 || watchPollMs > 60_000) {
      throw new IllegalArgumentException("STOCKLOG_WATCH_POLL_MS must be between 10 and 60000 (was " + watchPollMs + ")");
    }
  }

  /** The same settings with other stream and watcher timings (tests). */
  public QueryConfig withStreams(int maxStreams, int streamHeartbeatMs, int watchPollMs) {
    return new QueryConfig(httpPort, jdbcUrl, jdbcUser, jdbcPassword, poolSize, partitions, cacheMaxAgeSeconds,
        maxStreams, streamHeartbeatMs, watchPollMs);
  }

  public static QueryConfig fromEnv(Map<String, String> env) {
    return new QueryConfig(
        Env.integer(env, "HTTP_PORT", DEFAULT_HTTP_PORT),
        Env.text(env, "STOCKLOG_JDBC_URL", DEFAULT_JDBC_URL),
        Env.text(env, "STOCKLOG_JDBC_USER", DEFAULT_JDBC_USER),
        env.getOrDefault("STOCKLOG_JDBC_PASSWORD", ""),
        Env.integer(env, "STOCKLOG_QUERY_POOL_SIZE", DEFAULT_POOL_SIZE),
        TopicSettings.fromEnv(env).partitions(),
        Env.integer(env, "STOCKLOG_CACHE_MAX_AGE_SECONDS", DEFAULT_CACHE_MAX_AGE_SECONDS),
        Env.integer(env, "STOCKLOG_MAX_STREAMS", DEFAULT_MAX_STREAMS),
        Env.integer(env, "STOCKLOG_STREAM_HEARTBEAT_MS", DEFAULT_STREAM_HEARTBEAT_MS),
        Env.integer(env, "STOCKLOG_WATCH_POLL_MS", DEFAULT_WATCH_POLL_MS));
  }

  @Override
  public String toString() {
    return "QueryConfig[httpPort=" + httpPort + ", jdbcUrl=" + JdbcUrls.redacted(jdbcUrl) + ", jdbcUser=" + jdbcUser
        + ", poolSize=" + poolSize + ", partitions=" + partitions + ", cacheMaxAgeSeconds=" + cacheMaxAgeSeconds
        + ", maxStreams=" + maxStreams + ", streamHeartbeatMs=" + streamHeartbeatMs + ", watchPollMs=" + watchPollMs
        + "]";
  }
}
