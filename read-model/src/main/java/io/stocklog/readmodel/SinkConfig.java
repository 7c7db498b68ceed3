package io.stocklog.readmodel;

import io.stocklog.config.Env;
import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.Map;

/**
 * How the {@link OutcomeSink} reads the outcomes topic. Built from the environment by {@link #fromEnv}:
 *
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, default {@code localhost:9092};
 *   <li>{@code STOCKLOG_OUTCOMES_TOPIC}, default {@code inventory.outcomes} (see {@link TopicSettings});
 *   <li>{@code STOCKLOG_READ_MODEL_GROUP}, default {@code stocklog-read-model}: the consumer group, whose
 *       committed offsets are how far the read model got;
 *   <li>{@code STOCKLOG_READ_MODEL_MAX_POLL_RECORDS}, default 2000: outcomes per batch, i.e. per transaction;
 *   <li>{@code STOCKLOG_KAFKA_SESSION_TIMEOUT_MS}, default 45000 (Kafka's): how long the group waits for a sink
 *       that died without leaving before its partitions move on; 6000 to 1800000. The projector reads the same
 *       variable for its Streams consumer.
 * </ul>
 *
 * @param idleCheck how often the sink refreshes {@code applied_position.checked_at} of caught-up partitions
 * @param maxBackoff the longest wait between attempts while the database is down
 */
public record SinkConfig(
    String bootstrapServers, String outcomesTopic, String groupId, int maxPollRecords, Duration idleCheck,
    Duration maxBackoff, Duration sessionTimeout) {

  public static final String DEFAULT_GROUP = "stocklog-read-model";
  public static final int DEFAULT_MAX_POLL_RECORDS = 2000;
  /** Twice a second, so "age" never reads more than a second for a caught-up partition. */
  public static final Duration DEFAULT_IDLE_CHECK = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  public SinkConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
    }
    if (outcomesTopic == null || outcomesTopic.isBlank()) {
      throw new IllegalArgumentException("STOCKLOG_OUTCOMES_TOPIC must not be empty");
    }
    if (groupId == null || !groupId.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(
          "STOCKLOG_READ_MODEL_GROUP must be 1 to 249 of [A-Za-z0-9._-] (was '" + groupId + "')");
    }
    if (maxPollRecords < 1 || maxPollRecords > 100_000) {
      throw new IllegalArgumentException(
          "STOCKLOG_READ_MODEL_MAX_POLL_RECORDS must be between 1 and 100000 (was " + maxPollRecords + ")");
    }
    if (idleCheck == null || idleCheck.isNegative() || idleCheck.isZero() || idleCheck.toMillis() > 1000) {
      throw new IllegalArgumentException("idleCheck must be between 1 ms and 1 s (was " + idleCheck + ")");
    }
    if (maxBackoff == null || maxBackoff.toMillis() < 100) {
      throw new IllegalArgumentException("maxBackoff must be at least 100 ms (was " + maxBackoff + ")");
    }
    if (sessionTimeout == null || sessionTimeout.toMillis() < 6_000 || sessionTimeout.toMillis() > 1_800_000) {
      throw new IllegalArgumentException("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS must be between 6000 and 1800000, the"
          + " brokers' default bounds (was " + (sessionTimeout == null ? null : sessionTimeout.toMillis()) + ")");
    }
  }

  /** The settings before the session timeout was configurable; it takes its default. */
  public SinkConfig(String bootstrapServers, String outcomesTopic, String groupId, int maxPollRecords,
      Duration idleCheck, Duration maxBackoff) {
    this(bootstrapServers, outcomesTopic, groupId, maxPollRecords, idleCheck, maxBackoff, DEFAULT_SESSION_TIMEOUT);
  }

  /** The same settings for another consumer group (a projection's own sink). */
  public SinkConfig withGroup(String group) {
    return new SinkConfig(bootstrapServers, outcomesTopic, group, maxPollRecords, idleCheck, maxBackoff, sessionTimeout);
  }

  /** How often the sink heartbeats: a third of the session timeout, as Kafka advises, at most Kafka's 3 s. */
  public Duration heartbeatInterval() {
    return Duration.ofMillis(Math.min(3_000, sessionTimeout.toMillis() / 3));
  }

  public static SinkConfig fromEnv(Map<String, String> env) {
    TopicSettings topics = TopicSettings.fromEnv(env);
    return new SinkConfig(
        Env.text(env, "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        topics.outcomes(),
        Env.text(env, "STOCKLOG_READ_MODEL_GROUP", DEFAULT_GROUP),
        Env.integer(env, "STOCKLOG_READ_MODEL_MAX_POLL_RECORDS", DEFAULT_MAX_POLL_RECORDS),
        DEFAULT_IDLE_CHECK,
        DEFAULT_MAX_BACKOFF,
        Duration.ofMillis(Env.integer(env, "STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", (int) DEFAULT_SESSION_TIMEOUT.toMillis())));
  }

  /** The defaults, reading {@code outcomesTopic} on {@code bootstrapServers} as group {@code groupId}. */
  public static SinkConfig of(String bootstrapServers, String outcomesTopic, String groupId) {
    return new SinkConfig(bootstrapServers, outcomesTopic, groupId, DEFAULT_MAX_POLL_RECORDS, DEFAULT_IDLE_CHECK,
        DEFAULT_MAX_BACKOFF);
  }

}
