package io.stocklog.command;

import io.stocklog.config.Env;
import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the command service needs to start, built from the environment in one place
 * ({@link #fromEnv}); every check fails with the name of the variable to fix, and never shows a token.
 *
 * @param httpPort {@code HTTP_PORT}, default 8081; 0 binds any free port
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}, default {@code localhost:9092}
 * @param topics the {@code STOCKLOG_*_TOPIC}, {@code STOCKLOG_PARTITIONS}, ... settings of {@link TopicSettings}
 * @param maxBodyBytes {@code STOCKLOG_MAX_BODY_BYTES}, default 16384: a command is a few hundred bytes,
 *     so anything much larger is a mistake or an attack and gets a 413
 * @param maxWaiters {@code STOCKLOG_MAX_WAITING} (formerly {@code STOCKLOG_MAX_WAITERS}, still read), default
 *     10000: callers waiting for an outcome at once; beyond it a {@code Prefer: wait} call is still appended and
 *     answered 202 without waiting, so memory stays bounded
 * @param appendTimeout {@code STOCKLOG_APPEND_TIMEOUT_MS}, default 10000: how long an append may take
 *     before the caller gets a 503 (the producer's {@code delivery.timeout.ms})
 * @param dedupCacheSize {@code STOCKLOG_DEDUP_CACHE_SIZE}, default 200000: first outcomes of receipt,
 *     adjustment and reservation IDs remembered (least recently used dropped first, about 0.5 KB each), so a
 *     repeated ID is answered with its original outcome without appending it again; 0 turns this off
 * @param auth {@code STOCKLOG_AUTH}: {@code required} (default), {@code disabled} or {@code local}
 * @param apiTokens {@code STOCKLOG_API_TOKENS}: {@code token=scope+scope} entries, comma-separated; kept as
 *     digests, and shown by {@link #toString()} only as a count
 */
public record CommandConfig(
    int httpPort, String bootstrapServers, TopicSettings topics, int maxBodyBytes, int maxWaiters,
    Duration appendTimeout, int dedupCacheSize, AuthMode auth, ApiTokens apiTokens) {

  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
  public static final int DEFAULT_MAX_WAITERS = 10_000;
  public static final Duration DEFAULT_APPEND_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_DEDUP_CACHE_SIZE = 200_000;
  /** The cap on callers waiting for an outcome at once. */
  public static final String MAX_WAITING = "STOCKLOG_MAX_WAITING";
  /** The cap's earlier name, still read when {@link #MAX_WAITING} is not set. */
  public static final String MAX_WAITERS = "STOCKLOG_MAX_WAITERS";

  public CommandConfig {
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException("HTTP_PORT must be between 0 and 65535 (was " + httpPort + ")");
    }
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
    }
    Objects.requireNonNull(topics, "topics");
    if (maxBodyBytes < 256 || maxBodyBytes > 1_048_576) {
      throw new IllegalArgumentException(
          "STOCKLOG_MAX_BODY_BYTES must be between 256 and 1048576 (was " + maxBodyBytes + ")");
    }
    if (maxWaiters < 0 || maxWaiters > 1_000_000) {
      throw new IllegalArgumentException(
          MAX_WAITING + " must be between 0 and 1000000 (was " + maxWaiters + ")");
    }
    if (appendTimeout == null || appendTimeout.toMillis() < 2_000 || appendTimeout.toMillis() > 300_000) {
      throw new IllegalArgumentException(
          "STOCKLOG_APPEND_TIMEOUT_MS must be between 2000 and 300000 (was "
              + (appendTimeout == null ? null : appendTimeout.toMillis()) + ")");
    }
    if (dedupCacheSize < 0 || dedupCacheSize > 10_000_000) {
      throw new IllegalArgumentException(
          "STOCKLOG_DEDUP_CACHE_SIZE must be between 0 and 10000000 (was " + dedupCacheSize + ")");
    }
    Objects.requireNonNull(auth, AuthMode.VARIABLE);
    Objects.requireNonNull(apiTokens, ApiTokens.VARIABLE);
  }

  /**
   * The defaults, for one development broker on localhost. Auth is {@code required} with no token, which
   * {@link CommandService#start} refuses: set tokens ({@link #withAuth}) or another mode.
   */
  public static CommandConfig defaults() {
    return fromEnv(Map.of());
  }

  public static CommandConfig fromEnv(Map<String, String> env) {
    return new CommandConfig(
        Env.integer(env, "HTTP_PORT", DEFAULT_HTTP_PORT),
        Env.text(env, "KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS),
        TopicSettings.fromEnv(env),
        Env.integer(env, "STOCKLOG_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        maxWaiting(env),
        Duration.ofMillis(Env.integer(env, "STOCKLOG_APPEND_TIMEOUT_MS", (int) DEFAULT_APPEND_TIMEOUT.toMillis())),
        Env.integer(env, "STOCKLOG_DEDUP_CACHE_SIZE", DEFAULT_DEDUP_CACHE_SIZE),
        AuthMode.fromEnv(env),
        ApiTokens.fromEnv(env));
  }

  /** {@value #MAX_WAITING}, else its earlier name {@value #MAX_WAITERS}; both set and different is an error. */
  private static int maxWaiting(Map<String, String> env) {
    int current = Env.integer(env, MAX_WAITING, -1);
    int earlier = Env.integer(env, MAX_WAITERS, -1);
    boolean currentSet = !Env.text(env, MAX_WAITING, "").isEmpty();
    boolean earlierSet = !Env.text(env, MAX_WAITERS, "").isEmpty();
    if (currentSet && earlierSet && current != earlier) {
      throw new IllegalArgumentException(MAX_WAITING + " (" + current + ") and its earlier name " + MAX_WAITERS
          + " (" + earlier + ") are both set and disagree; set only " + MAX_WAITING);
    }
    return currentSet ? current : earlierSet ? earlier : DEFAULT_MAX_WAITERS;
  }

  /**
   * Fails unless the settings let the service answer anyone: {@code required} (the default) with no token would
   * refuse every command, which is a mistake in the configuration, not a way to run.
   */
  public void requireUsableAuth() {
    if (auth == AuthMode.REQUIRED && apiTokens.isEmpty()) {
      throw new IllegalStateException("the command API requires a bearer token (" + AuthMode.VARIABLE
          + "=required, the default) but " + ApiTokens.VARIABLE + " names none: set " + ApiTokens.VARIABLE
          + " to token=scope entries (scopes orders, stock, operator; see README \"Security\"), or set "
          + AuthMode.VARIABLE + "=disabled for a service only trusted callers can reach");
    }
  }

  public CommandConfig withHttpPort(int port) {
    return new CommandConfig(port, bootstrapServers, topics, maxBodyBytes,
        maxWaiters, appendTimeout, dedupCacheSize, auth, apiTokens);
  }

  public CommandConfig withKafka(String servers, TopicSettings newTopics) {
    return new CommandConfig(httpPort, servers, newTopics, maxBodyBytes,
        maxWaiters, appendTimeout, dedupCacheSize, auth, apiTokens);
  }

  public CommandConfig withMaxWaiters(int waiters) {
    return new CommandConfig(httpPort, bootstrapServers, topics, maxBodyBytes,
        waiters, appendTimeout, dedupCacheSize, auth, apiTokens);
  }

  public CommandConfig withAppendTimeout(Duration timeout) {
    return new CommandConfig(httpPort, bootstrapServers, topics, maxBodyBytes,
        maxWaiters, timeout, dedupCacheSize, auth, apiTokens);
  }

  public CommandConfig withDedupCacheSize(int size) {
    return new CommandConfig(httpPort, bootstrapServers, topics, maxBodyBytes,
        maxWaiters, appendTimeout, size, auth, apiTokens);
  }

  public CommandConfig withAuth(AuthMode mode, ApiTokens tokens) {
    return new CommandConfig(httpPort, bootstrapServers, topics, maxBodyBytes,
        maxWaiters, appendTimeout, dedupCacheSize, mode, tokens);
  }

}
