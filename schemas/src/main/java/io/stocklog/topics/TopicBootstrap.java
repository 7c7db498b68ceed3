package io.stocklog.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics if they are missing and refuses to go on if the events topic is set up in a way that
 * would lose or reorder the system of record. Every service runs it at start.
 *
 * <p>Why each check: finite retention or compaction would delete events, and then a replay would not
 * reproduce the read model; a different partition count would move SKUs to other partitions, and with them
 * their one serial writer and their log-time clock.
 */
public final class TopicBootstrap {

  private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);
  private static final long TIMEOUT_SECONDS = 30;
  /**
   * How long creating the topics waits for enough brokers to register for their replication: brokers of a
   * cluster that starts together register over some seconds, and a service may ask before the last one has.
   */
  static final Duration BROKERS_WAIT = Duration.ofSeconds(180);

  private TopicBootstrap() {}

  /** Thrown when an existing topic is set up wrongly; the message says what and how to fix it. */
  public static final class MisconfiguredTopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MisconfiguredTopicException(String message) {
      super(message);
    }
  }

  public static void ensure(Admin admin, TopicSettings s) {
    ensure(admin, s, BROKERS_WAIT);
  }

  /** As {@link #ensure(Admin, TopicSettings)}, waiting up to {@code brokersWait} for brokers to register. */
  static void ensure(Admin admin, TopicSettings s, Duration brokersWait) {
    try {
      refuseMisplacedPartitions(admin, s);
      create(admin, brokersWait, List.of(
          new NewTopic(s.events(), s.partitions(), s.replication()).configs(Map.of(
              TopicConfig.RETENTION_MS_CONFIG, "-1",
              TopicConfig.RETENTION_BYTES_CONFIG, "-1",
              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
              TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(s.minInsync()))),
          new NewTopic(s.outcomes(), s.partitions(), s.replication()).configs(Map.of(
              // Outcomes are derived: a rebuild can produce them again, so a week is plenty.
              TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7)),
              TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(s.minInsync()))),
          new NewTopic(s.deadLetters(), s.partitions(), s.replication()).configs(Map.of(
              TopicConfig.RETENTION_MS_CONFIG, "-1",
              TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(s.minInsync())))));
      verify(admin, s);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create or check the topics on Kafka: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the topics", e);
    }
  }

  /**
   * Creates the topics that are missing. While fewer brokers have registered than the replication needs (a
   * cluster starting together), it waits for them, up to {@code brokersWait}, saying so once; anything else
   * but "exists" (another service created it at the same moment) is an error at once.
   */
  private static void create(Admin admin, Duration brokersWait, Collection<NewTopic> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + brokersWait.toNanos();
    boolean waited = false;
    while (true) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        missing.forEach(t -> log.info("created topic {} ({} partitions, replication {})",
            t.name(), t.numPartitions(), t.replicationFactor()));
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          return; // verify() checks what the other service made
        }
        if (!(e.getCause() instanceof InvalidReplicationFactorException) || System.nanoTime() > deadline) {
          throw e;
        }
        if (!waited) {
          waited = true;
          log.warn("waiting up to {} s for brokers to register: the topics need replication {}, and {} broker(s) "
              + "have so far ({})", brokersWait.toSeconds(), missing.get(0).replicationFactor(), brokers(admin),
              e.getCause().getMessage());
        }
        Thread.sleep(1_000);
      }
    }
  }

  private static String brokers(Admin admin) {
    try {
      return Integer.toString(admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size());
    } catch (ExecutionException | TimeoutException e) {
      return "an unknown number of";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "an unknown number of";
    }
  }

  /**
   * Checks an existing events topic's partition count before anything is created, so a refusal leaves no
   * outcomes or dead-letter topic behind sized for the wrong count, and following its advice works.
   */
  private static void refuseMisplacedPartitions(Admin admin, TopicSettings s)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (!admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).contains(s.events())) {
      return;
    }
    int existing = describe(admin, List.of(s.events())).get(s.events()).partitions().size();
    if (existing != s.partitions()) {
      throw new MisconfiguredTopicException("the events topic " + s.events() + " is misconfigured: it has "
          + existing + " partitions but STOCKLOG_PARTITIONS is " + s.partitions()
          + " (SKUs would move to other partitions); set STOCKLOG_PARTITIONS=" + existing);
    }
  }

  /**
   * Describes topics, waiting while the broker that answers has not yet caught up with a topic just created
   * (it answers "unknown topic" for a moment after creation).
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try {
        return admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static void verify(Admin admin, TopicSettings s)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, TopicDescription> described = describe(admin, List.of(s.events(), s.outcomes()));
    ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, s.events());
    Config config = admin.describeConfigs(List.of(events)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(events);
    List<String> problems = new ArrayList<>();

    int eventPartitions = described.get(s.events()).partitions().size();
    if (eventPartitions != s.partitions()) {
      problems.add("it has " + eventPartitions + " partitions but STOCKLOG_PARTITIONS is " + s.partitions()
          + " (SKUs would move to other partitions); set STOCKLOG_PARTITIONS=" + eventPartitions);
    }
    int outcomePartitions = described.get(s.outcomes()).partitions().size();
    if (outcomePartitions != eventPartitions) {
      problems.add("the outcomes topic " + s.outcomes() + " has " + outcomePartitions
          + " partitions, the events topic " + eventPartitions + "; they must match (recreate the outcomes topic)");
    }
    String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
    if (!"-1".equals(retention)) {
      problems.add("retention.ms is " + retention + ", so events would be deleted; fix with: kafka-configs.sh "
          + "--alter --entity-type topics --entity-name " + s.events() + " --add-config retention.ms=-1");
    }
    String retentionBytes = value(config, TopicConfig.RETENTION_BYTES_CONFIG);
    if (retentionBytes != null && !"-1".equals(retentionBytes)) {
      problems.add("retention.bytes is " + retentionBytes + ", so events would be deleted; fix with: "
          + "kafka-configs.sh --alter --entity-type topics --entity-name " + s.events()
          + " --add-config retention.bytes=-1");
    }
    String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
    if (cleanup == null || cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      problems.add("cleanup.policy is " + cleanup + ", and compaction would drop all but the last event of a SKU; "
          + "fix with: kafka-configs.sh --alter --entity-type topics --entity-name " + s.events()
          + " --add-config cleanup.policy=delete");
    }
    if (!problems.isEmpty()) {
      throw new MisconfiguredTopicException("the events topic " + s.events() + " is misconfigured: "
          + String.join("; ", problems));
    }
  }

  /**
   * Waits until {@code producer} knows a leader for each of the {@code partitions} of {@code topic}. A topic
   * just created has none for a moment, and an idempotent producer that writes then gets
   * NOT_LEADER_OR_FOLLOWER and has its retries refused as out of sequence until its delivery timeout (Kafka
   * 4.1): batches stall for minutes or are lost. Whoever writes to a topic it has just created waits here first.
   *
   * @throws IllegalStateException if some partition still has no leader after {@code timeout}
   */
  public static void awaitLeaders(Producer<?, ?> producer, String topic, int partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        List<PartitionInfo> info = producer.partitionsFor(topic);
        if (info.size() == partitions && info.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
          return;
        }
      } catch (KafkaException e) {
        // Not known yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " has no leader for each partition after "
            + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static String value(Config config, String name) {
    ConfigEntry entry = config.get(name);
    return entry == null ? null : entry.value();
  }
}
