package io.stocklog.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.topics.TopicBootstrap.MisconfiguredTopicException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicBootstrap#ensure} against a real broker: what it creates, and what it refuses to run on.
 *
 * <p>Where ensure() creates topics, these tests call it through {@link #ensureOnceVisible}, which retries
 * the one failure a fresh topic can cause today (see {@link #ensureSucceedsRightAfterCreatingTheTopics}).
 * The refusal tests create every topic themselves first and wait until the broker knows them, so ensure()
 * has nothing to create and each refusal is deterministic.
 */
@WithInfra
class TopicBootstrapTest {

  private static final int PARTITIONS = 6;
  private static final String FOREVER = "-1";
  private static final String ONE_HOUR = "3600000";
  private static final String ONE_WEEK = "604800000";

  @Test
  void createsAllThreeTopicsWithTheirConfigsWhenMissing(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka).withPartitions(5);

    try (Admin admin = kafka.newAdmin()) {
      ensureOnceVisible(admin, s);
      awaitVisible(admin, s.deadLetters());

      assertThat(partitions(admin, s.events(), s.outcomes(), s.deadLetters()))
          .containsExactlyInAnyOrderEntriesOf(Map.of(s.events(), 5, s.outcomes(), 5, s.deadLetters(), 5));
      assertThat(config(admin, s.events())).containsAllEntriesOf(Map.of(
          "retention.ms", FOREVER,
          "retention.bytes", FOREVER,
          "cleanup.policy", "delete",
          "min.insync.replicas", "1"));
      assertThat(config(admin, s.outcomes())).containsAllEntriesOf(Map.of(
          "retention.ms", ONE_WEEK,
          "cleanup.policy", "delete"));
      assertThat(config(admin, s.deadLetters())).containsEntry("retention.ms", FOREVER);
    }
  }

  @Test
  void runningItAgainChangesNothing(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);

    try (Admin admin = kafka.newAdmin()) {
      ensureOnceVisible(admin, s);
      awaitVisible(admin, s.deadLetters());
      Map<String, Uuid> ids = topicIds(admin, s);

      TopicBootstrap.ensure(admin, s);

      assertThat(topicIds(admin, s)).isEqualTo(ids);
      assertThat(partitions(admin, s.events(), s.outcomes(), s.deadLetters()))
          .containsOnly(Map.entry(s.events(), PARTITIONS), Map.entry(s.outcomes(), PARTITIONS),
              Map.entry(s.deadLetters(), PARTITIONS));
    }
  }

  /** Services start together: one creates the topics, the others find them existing and only verify. */
  @Test
  void servicesStartingAtOnceAllSucceed(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);
    int services = 4;
    ExecutorService pool = Executors.newFixedThreadPool(services);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    try (Admin admin = kafka.newAdmin()) {
      for (int i = 0; i < services; i++) {
        starts.add(CompletableFuture.runAsync(() -> {
          try (Admin own = kafka.newAdmin()) {
            go.await();
            ensureOnceVisible(own, s);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      go.countDown();

      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      awaitVisible(admin, s.deadLetters());
      assertThat(partitions(admin, s.events(), s.outcomes(), s.deadLetters())).hasSize(3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesAnEventsTopicWithFiniteRetentionAndLeavesItAsItIs(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);
    try (Admin admin = kafka.newAdmin()) {
      createVisible(admin, s, PARTITIONS, PARTITIONS, Map.of("retention.ms", ONE_HOUR));

      assertThatThrownBy(() -> TopicBootstrap.ensure(admin, s))
          .isInstanceOf(MisconfiguredTopicException.class)
          .hasMessageContaining("the events topic " + s.events() + " is misconfigured")
          .hasMessageContaining("retention.ms is " + ONE_HOUR + ", so events would be deleted")
          .hasMessageContaining("kafka-configs.sh --alter --entity-type topics --entity-name " + s.events()
              + " --add-config retention.ms=-1")
          .message().doesNotContain("cleanup.policy", "partitions");

      assertThat(config(admin, s.events())).containsEntry("retention.ms", ONE_HOUR);
    }
  }

  @Test
  void refusesACompactedEventsTopic(TestKafka kafka) throws Exception {
    for (String policy : List.of("compact", "compact,delete")) {
      TopicSettings s = settings(kafka);
      try (Admin admin = kafka.newAdmin()) {
        createVisible(admin, s, PARTITIONS, PARTITIONS, Map.of("retention.ms", FOREVER, "cleanup.policy", policy));

        assertThatThrownBy(() -> TopicBootstrap.ensure(admin, s))
            .as("cleanup.policy=%s", policy)
            .isInstanceOf(MisconfiguredTopicException.class)
            .hasMessageContaining("the events topic " + s.events() + " is misconfigured")
            .hasMessageContaining("cleanup.policy is " + policy + ", and compaction would drop")
            .hasMessageContaining("--entity-name " + s.events() + " --add-config cleanup.policy=delete")
            .message().doesNotContain("retention.ms is");
      }
    }
  }

  @Test
  void refusesAnEventsTopicWithAnotherPartitionCount(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);

    try (Admin admin = kafka.newAdmin()) {
      createVisible(admin, s, 4, 4, Map.of("retention.ms", FOREVER));

      assertThatThrownBy(() -> TopicBootstrap.ensure(admin, s))
          .isInstanceOf(MisconfiguredTopicException.class)
          .hasMessageContaining("the events topic " + s.events() + " is misconfigured")
          .hasMessageContaining("it has 4 partitions but STOCKLOG_PARTITIONS is 6")
          .hasMessageContaining("set STOCKLOG_PARTITIONS=4")
          .message().doesNotContain("outcomes topic", "retention.ms is", "cleanup.policy is");
    }
  }

  @Test
  void refusesAnOutcomesTopicWhosePartitionsDifferFromTheEventsTopic(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);

    try (Admin admin = kafka.newAdmin()) {
      createVisible(admin, s, PARTITIONS, 3, Map.of("retention.ms", FOREVER));

      assertThatThrownBy(() -> TopicBootstrap.ensure(admin, s))
          .isInstanceOf(MisconfiguredTopicException.class)
          .hasMessageContaining("the outcomes topic " + s.outcomes() + " has 3 partitions, the events topic 6")
          .hasMessageContaining("recreate the outcomes topic")
          .message().doesNotContain("STOCKLOG_PARTITIONS", "retention.ms is", "cleanup.policy is");
    }
  }

  @Test
  void refusesAnEventsTopicWithFiniteRetentionBytes(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);

    try (Admin admin = kafka.newAdmin()) {
      createVisible(admin, s, PARTITIONS, PARTITIONS, Map.of("retention.ms", FOREVER, "retention.bytes", "1073741824"));

      assertThatThrownBy(() -> TopicBootstrap.ensure(admin, s))
          .isInstanceOf(MisconfiguredTopicException.class)
          .hasMessageContaining("retention.bytes is 1073741824")
          .hasMessageContaining("--add-config retention.bytes=-1");
    }
  }

  /**
   * Following the advice of a partition-count refusal must be enough to start. It is not: ensure() creates
   * the missing outcomes and dead-letter topics with the configured (wrong) count before it verifies the
   * existing events topic, so the second start is refused again, now for the outcomes topic it made itself.
   */
  @Test
  void followingThePartitionAdviceIsEnoughToStart(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);
    try (Admin admin = kafka.newAdmin()) {
      create(admin, s.events(), 4, Map.of("retention.ms", FOREVER));
      awaitVisible(admin, s.events());
      assertThatThrownBy(() -> ensureOnceVisible(admin, s))
          .isInstanceOf(MisconfiguredTopicException.class)
          .hasMessageContaining("set STOCKLOG_PARTITIONS=4");

      ensureOnceVisible(admin, s.withPartitions(4));
    }
  }

  /**
   * A service's first start on a fresh cluster: ensure() creates the topics, then at once describes them.
   * The broker that answers may not have applied the new topics' metadata yet, and ensure() takes its
   * UnknownTopicOrPartitionException for an unreachable Kafka and fails the start. Every service runs
   * ensure() at start (Projector.start does), so a first start fails now and then.
   */
  @Test
  void ensureSucceedsRightAfterCreatingTheTopics(TestKafka kafka) {
    try (Admin admin = kafka.newAdmin()) {
      for (int i = 0; i < 20; i++) {
        TopicBootstrap.ensure(admin, settings(kafka).withPartitions(12));
      }
    }
  }

  /** ensure(), retried only while the broker has not yet learned of the topics it has just created. */
  /**
   * A cluster starting together: the services ask for topics of replication 3 before the other brokers have
   * registered, and the controller answers "larger than available brokers". Creation waits and tries again
   * rather than failing the service at start; only past its wait does it give up, naming why. (A broker that
   * registered once counts even while stopped, so the wait is shown with an Admin whose first creations are
   * refused as the controller refuses them then.)
   */
  @Test
  void creatingTopicsWaitsWhileTooFewBrokersHaveRegistered(TestKafka kafka) throws Exception {
    TopicSettings s = settings(kafka);
    try (Admin real = kafka.newAdmin()) {
      Admin refusingTwice = refusingCreation(real, 2);
      long started = System.nanoTime();
      TopicBootstrap.ensure(refusingTwice, s, Duration.ofSeconds(60));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it waited").isGreaterThan(Duration.ofMillis(1_500));
      awaitVisible(real, s.deadLetters());
      assertThat(partitions(real, s.events(), s.outcomes(), s.deadLetters())).hasSize(3);

      TopicSettings other = settings(kafka);
      assertThatThrownBy(() -> TopicBootstrap.ensure(refusingCreation(real, Integer.MAX_VALUE), other, Duration.ZERO))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("larger than available brokers");
    }
  }

  /** {@code admin}, but its first {@code times} topic creations fail as when too few brokers have registered. */
  @SuppressWarnings("unchecked")
  private static Admin refusingCreation(Admin admin, int times) {
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    return (Admin) java.lang.reflect.Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
        (proxy, method, args) -> {
          if (method.getName().equals("createTopics") && refused.getAndIncrement() < times) {
            java.util.Map<String, org.apache.kafka.common.KafkaFuture<org.apache.kafka.clients.admin.CreateTopicsResult.TopicMetadataAndConfig>> failed =
                new java.util.HashMap<>();
            for (NewTopic t : (java.util.Collection<NewTopic>) args[0]) {
              var f = new org.apache.kafka.common.internals.KafkaFutureImpl<org.apache.kafka.clients.admin.CreateTopicsResult.TopicMetadataAndConfig>();
              f.completeExceptionally(new org.apache.kafka.common.errors.InvalidReplicationFactorException(
                  "Replication factor: 3 larger than available brokers: 1."));
              failed.put(t.name(), f);
            }
            return new org.apache.kafka.clients.admin.CreateTopicsResult(failed) { };
          }
          try {
            return method.invoke(admin, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void ensureOnceVisible(Admin admin, TopicSettings s) {
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsMatching(TopicBootstrapTest::notYetKnownToTheBroker)
        .until(() -> {
          TopicBootstrap.ensure(admin, s);
          return true;
        });
  }

  private static boolean notYetKnownToTheBroker(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownTopicOrPartitionException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates the three topics as an operator might have: the events topic with {@code eventConfigs}, the
   * others with ensure()'s own settings; returns once the broker describes all three.
   */
  private static void createVisible(Admin admin, TopicSettings s, int eventPartitions, int outcomePartitions,
      Map<String, String> eventConfigs) throws Exception {
    create(admin, s.events(), eventPartitions, eventConfigs);
    create(admin, s.outcomes(), outcomePartitions, Map.of("retention.ms", ONE_WEEK));
    create(admin, s.deadLetters(), eventPartitions, Map.of("retention.ms", FOREVER));
    awaitVisible(admin, s.events(), s.outcomes(), s.deadLetters());
  }

  private static void create(Admin admin, String topic, int partitions, Map<String, String> configs)
      throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
        .all().get(30, TimeUnit.SECONDS);
  }

  /** Until the broker both describes the topics and their configs (it may lag the controller a moment). */
  private static void awaitVisible(Admin admin, String... topics) {
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(TopicBootstrapTest::notYetKnownToTheBroker)
        .until(() -> {
          describe(admin, topics);
          for (String topic : topics) {
            config(admin, topic);
          }
          return true;
        });
  }

  private static TopicSettings settings(TestKafka kafka) {
    return TopicSettings.defaults()
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dlq"))
        .withPartitions(PARTITIONS);
  }

  private static Map<String, Integer> partitions(Admin admin, String... topics) throws Exception {
    return describe(admin, topics).values().stream()
        .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
  }

  private static Map<String, Uuid> topicIds(Admin admin, TopicSettings s) throws Exception {
    return describe(admin, s.events(), s.outcomes(), s.deadLetters()).values().stream()
        .collect(Collectors.toMap(TopicDescription::name, TopicDescription::topicId));
  }

  private static Map<String, TopicDescription> describe(Admin admin, String... topics) throws Exception {
    return admin.describeTopics(List.of(topics)).allTopicNames().get(30, TimeUnit.SECONDS);
  }

  private static Map<String, String> config(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    return config.entries().stream()
        .filter(e -> e.value() != null)
        .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
  }
}
