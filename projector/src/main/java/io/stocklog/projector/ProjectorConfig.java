package io.stocklog.projector;

import io.stocklog.config.Env;
import io.stocklog.inventory.Inventory;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The projector's settings, built from the environment in one place by {@link #fromEnv}; each bad value
 * fails at start with the variable's name.
 *
 * <table>
 *   <caption>Variables and defaults</caption>
 *   <tr><td>KAFKA_BOOTSTRAP_SERVERS</td><td>localhost:9092</td></tr>
 *   <tr><td>STOCKLOG_EVENTS_TOPIC, STOCKLOG_OUTCOMES_TOPIC, STOCKLOG_DEAD_LETTER_TOPIC, STOCKLOG_PARTITIONS,
 *       STOCKLOG_REPLICATION, STOCKLOG_MIN_INSYNC</td><td>see {@link TopicSettings}</td></tr>
 *   <tr><td>STOCKLOG_PROJECTOR_APP_ID</td><td>stocklog-projector (Streams application ID: consumer group,
 *       transactional IDs and internal topic names)</td></tr>
 *   <tr><td>STOCKLOG_STATE_DIR</td><td>{java.io.tmpdir}/stocklog-projector (RocksDB state; kept across
 *       restarts so a restart does not replay the changelogs)</td></tr>
 *   <tr><td>STOCKLOG_TICK_INTERVAL_MS</td><td>1000 (how often a deciding task checks whether a hold on its quiet
 *       partition is due and appends a tick if so: a quiet hold expires within about this plus a commit interval
 *       of its deadline)</td></tr>
 *   <tr><td>STOCKLOG_RETENTION_DAYS</td><td>7 (how long finished reservations are remembered)</td></tr>
 *   <tr><td>STOCKLOG_STREAM_THREADS</td><td>1</td></tr>
 *   <tr><td>STOCKLOG_COMMIT_INTERVAL_MS</td><td>100 (with exactly-once a commit ends a transaction, and
 *       outcomes are visible to read_committed readers only then: this is the added latency)</td></tr>
 *   <tr><td>STOCKLOG_KAFKA_SESSION_TIMEOUT_MS</td><td>45000, Kafka's own default (how long the group waits
 *       for an instance that stopped heartbeating, i.e. crashed, before its partitions move to another or to
 *       its own restart; a clean stop leaves the group at once and needs no wait). The brokers allow 6000 to
 *       1800000 by default; heartbeats go every third of it, at most every 3 s.</td></tr>
 * </table>
 */
public record ProjectorConfig(
    String bootstrapServers,
    TopicSettings topics,
    String applicationId,
    Path stateDir,
    Duration tickInterval,
    Duration retention,
    int streamThreads,
    Duration commitInterval,
    Duration sessionTimeout) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_APPLICATION_ID = "stocklog-projector";
  public static final long DEFAULT_TICK_INTERVAL_MS = 1_000;
  public static final long DEFAULT_RETENTION_DAYS = Inventory.DEFAULT_RETENTION.toDays();
  public static final int DEFAULT_STREAM_THREADS = 1;
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;
  /** Kafka's consumer default, stated here so that what the projector runs with is visible in one place. */
  public static final long DEFAULT_SESSION_TIMEOUT_MS = 45_000;

  public ProjectorConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
    }
    Objects.requireNonNull(topics, "topics");
    if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          "STOCKLOG_PROJECTOR_APP_ID must be 1 to 200 of [A-Za-z0-9._-] (was '" + applicationId + "')");
    }
    Objects.requireNonNull(stateDir, "STOCKLOG_STATE_DIR");
    positive("STOCKLOG_TICK_INTERVAL_MS", tickInterval);
    positive("STOCKLOG_RETENTION_DAYS", retention);
    if (streamThreads < 1) {
      throw new IllegalArgumentException("STOCKLOG_STREAM_THREADS must be at least 1 (was " + streamThreads + ")");
    }
    positive("STOCKLOG_COMMIT_INTERVAL_MS", commitInterval);
    sessionTimeout(sessionTimeout);
  }

  /** The settings before the session timeout was configurable; it takes its default. */
  public ProjectorConfig(String bootstrapServers, TopicSettings topics, String applicationId, Path stateDir,
      Duration tickInterval, Duration retention, int streamThreads, Duration commitInterval) {
    this(bootstrapServers, topics, applicationId, stateDir, tickInterval, retention, streamThreads, commitInterval,
        Duration.ofMillis(DEFAULT_SESSION_TIMEOUT_MS));
  }

  public static ProjectorConfig fromEnv(Map<String, String> env) {
    return new ProjectorConfig(
        Env.text(env, "KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS),
        TopicSettings.fromEnv(env),
        Env.text(env, "STOCKLOG_PROJECTOR_APP_ID", DEFAULT_APPLICATION_ID),
        Path.of(Env.text(env, "STOCKLOG_STATE_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "stocklog-projector").toString())),
        Duration.ofMillis(number(env, "STOCKLOG_TICK_INTERVAL_MS", DEFAULT_TICK_INTERVAL_MS)),
        Duration.ofDays(number(env, "STOCKLOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
        (int) number(env, "STOCKLOG_STREAM_THREADS", DEFAULT_STREAM_THREADS),
        Duration.ofMillis(number(env, "STOCKLOG_COMMIT_INTERVAL_MS", DEFAULT_COMMIT_INTERVAL_MS)),
        sessionTimeoutFromEnv(env));
  }

  /** {@code STOCKLOG_KAFKA_SESSION_TIMEOUT_MS}, checked; the sink of the same process reads it too. */
  public static Duration sessionTimeoutFromEnv(Map<String, String> env) {
    return sessionTimeout(Duration.ofMillis(number(env, "STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", DEFAULT_SESSION_TIMEOUT_MS)));
  }

  /** How often a member heartbeats for a session timeout: a third of it, as Kafka advises, at most Kafka's 3 s. */
  public static Duration heartbeatInterval(Duration sessionTimeout) {
    return Duration.ofMillis(Math.min(3_000, sessionTimeout.toMillis() / 3));
  }

  private static Duration sessionTimeout(Duration d) {
    if (d == null || d.toMillis() < 6_000 || d.toMillis() > 1_800_000) {
      throw new IllegalArgumentException("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS must be between 6000 and 1800000, the"
          + " brokers' default bounds (was " + (d == null ? null : d.toMillis()) + ")");
    }
    return d;
  }

  public ProjectorConfig withApplicationId(String newApplicationId, Path newStateDir) {
    return new ProjectorConfig(bootstrapServers, topics, newApplicationId, newStateDir, tickInterval, retention,
        streamThreads, commitInterval, sessionTimeout);
  }

  /** The same with another commit interval (a rebuild commits less often, for throughput). */
  public ProjectorConfig withCommitInterval(Duration interval) {
    return new ProjectorConfig(bootstrapServers, topics, applicationId, stateDir, tickInterval, retention,
        streamThreads, interval, sessionTimeout);
  }

  private static long number(Map<String, String> env, String variable, long fallback) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(variable + " must be between 1 and " + Integer.MAX_VALUE + " (was " + n + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be an integer (was '" + value + "')", e);
    }
  }

  private static void positive(String variable, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(variable + " must be positive (was " + d + ")");
    }
  }
}
