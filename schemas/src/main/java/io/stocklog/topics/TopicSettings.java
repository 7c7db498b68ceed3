package io.stocklog.topics;

import io.stocklog.config.Env;
import java.util.Map;

/**
 * The topics every service agrees on: their names, the partition count and the replication. Built from the
 * environment in one place ({@link #fromEnv}); each check fails with the variable's name.
 *
 * @param events the system of record, keyed by SKU, kept forever, never compacted
 * @param outcomes the projector's decisions, keyed by SKU, one partition per events partition
 * @param deadLetters records that could not be parsed or validated, with the reason and the original bytes
 */
public record TopicSettings(
    String events, String outcomes, String deadLetters, int partitions, short replication, int minInsync) {

  public static final String DEFAULT_EVENTS = "inventory.events";
  public static final String DEFAULT_OUTCOMES = "inventory.outcomes";
  public static final String DEFAULT_DEAD_LETTERS = "inventory.dead-letters";
  /** Twelve partitions: room for up to twelve projector instances, and few enough for a laptop. */
  public static final int DEFAULT_PARTITIONS = 12;
  /**
   * {@code fetch.max.wait.ms} for the readers of the outcomes topic that someone waits on (the command
   * service's waiting callers, the read-model sink). Outcomes are read {@code read_committed}, and with Kafka's
   * default of 500 ms a fetch waits out much of that even with committed outcomes to return, so every waiting
   * caller waits for it (see bench/README.md for the measurement). The price is an idle reader asking the broker
   * about 100 times a second.
   */
  public static final int OUTCOMES_FETCH_MAX_WAIT_MS = 10;

  public TopicSettings {
    name("STOCKLOG_EVENTS_TOPIC", events);
    name("STOCKLOG_OUTCOMES_TOPIC", outcomes);
    name("STOCKLOG_DEAD_LETTER_TOPIC", deadLetters);
    if (partitions < 1 || partitions > 10_000) {
      throw new IllegalArgumentException("STOCKLOG_PARTITIONS must be between 1 and 10000 (was " + partitions + ")");
    }
    if (replication < 1) {
      throw new IllegalArgumentException("STOCKLOG_REPLICATION must be at least 1 (was " + replication + ")");
    }
    if (events.equals(outcomes) || events.equals(deadLetters) || outcomes.equals(deadLetters)) {
      throw new IllegalArgumentException("STOCKLOG_EVENTS_TOPIC, STOCKLOG_OUTCOMES_TOPIC and STOCKLOG_DEAD_LETTER_TOPIC"
          + " must be three different topics (events=" + events + ", outcomes=" + outcomes
          + ", dead letters=" + deadLetters + ")");
    }
    if (minInsync < 1 || minInsync > replication) {
      throw new IllegalArgumentException(
          "STOCKLOG_MIN_INSYNC must be between 1 and STOCKLOG_REPLICATION=" + replication + " (was " + minInsync + ")");
    }
  }

  /** Defaults for a single development broker. */
  public static TopicSettings defaults() {
    return new TopicSettings(DEFAULT_EVENTS, DEFAULT_OUTCOMES, DEFAULT_DEAD_LETTERS, DEFAULT_PARTITIONS, (short) 1, 1);
  }

  public static TopicSettings fromEnv(Map<String, String> env) {
    return new TopicSettings(
        Env.text(env, "STOCKLOG_EVENTS_TOPIC", DEFAULT_EVENTS),
        Env.text(env, "STOCKLOG_OUTCOMES_TOPIC", DEFAULT_OUTCOMES),
        Env.text(env, "STOCKLOG_DEAD_LETTER_TOPIC", DEFAULT_DEAD_LETTERS),
        Env.integer(env, "STOCKLOG_PARTITIONS", DEFAULT_PARTITIONS),
        replication(Env.integer(env, "STOCKLOG_REPLICATION", 1)),
        Env.integer(env, "STOCKLOG_MIN_INSYNC", 1));
  }

  public TopicSettings withNames(String newEvents, String newOutcomes, String newDeadLetters) {
    return new TopicSettings(newEvents, newOutcomes, newDeadLetters, partitions, replication, minInsync);
  }

  public TopicSettings withPartitions(int newPartitions) {
    return new TopicSettings(events, outcomes, deadLetters, newPartitions, replication, minInsync);
  }

  private static short replication(int value) {
    if (value < 1 || value > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          "STOCKLOG_REPLICATION must be between 1 and " + Short.MAX_VALUE + " (was " + value + ")");
    }
    return (short) value;
  }

  private static void name(String variable, String value) {
    if (value == null || !value.matches("[A-Za-z0-9._-]{1,249}") || value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException(variable + " must be a Kafka topic name: 1 to 249 of [A-Za-z0-9._-] (was '" + value + "')");
    }
  }
}
