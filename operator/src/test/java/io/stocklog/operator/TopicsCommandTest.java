package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.local.LocalStack;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code topics} on the stack's broker, with topic names no one else uses. */
@ExtendWith(SharedStack.class)
class TopicsCommandTest {

  @Test
  void createsMissingTopicsThenReportsThemOk(LocalStack stack) throws Exception {
    Map<String, String> env = env(stack, 3);
    String events = env.get("STOCKLOG_EVENTS_TOPIC");

    Cli.Run check = Cli.run(env, "topics", "--check");
    assertThat(check.exit()).as("%s", check).isEqualTo(1);
    assertThat(check.out().lines().filter(l -> l.contains("missing")).count()).as("%s", check).isGreaterThanOrEqualTo(3);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).as("--check creates nothing").doesNotContain(events);
    }

    Cli.Run create = Cli.run(env, "topics");
    assertThat(create.exit()).as("%s", create).isZero();
    for (String topic : topics(env)) {
      assertThat(create.out()).as("%s", create).containsPattern(topic + "\\s+created\\s+3 partitions, replication 1");
    }
    assertThat(create.out()).doesNotContain("drift");

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      Map<String, TopicDescription> described = admin.describeTopics(topics(env)).allTopicNames().get();
      assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, events);
      Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
      assertThat(c.get("retention.ms").value()).isEqualTo("-1");
      assertThat(c.get("cleanup.policy").value()).isEqualTo("delete");
    }

    for (String[] args : List.of(new String[] {"topics"}, new String[] {"topics", "--check"})) {
      Cli.Run again = Cli.run(env, args);
      assertThat(again.exit()).as("%s", again).isZero();
      for (String topic : topics(env)) {
        assertThat(again.out()).as("%s", again).containsPattern(topic + "\\s+ok\\s+3 partitions");
      }
    }
  }

  @Test
  void anEventsTopicWithTheWrongPartitionCountIsDriftAndNothingIsCreated(LocalStack stack) throws Exception {
    Map<String, String> env = env(stack, 3);
    String events = env.get("STOCKLOG_EVENTS_TOPIC");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(events, 2, (short) 1))).all().get();

      for (String[] args : List.of(new String[] {"topics", "--check"}, new String[] {"topics"})) {
        Cli.Run run = Cli.run(env, args);
        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).as("%s", run)
            .containsPattern(events + "\\s+drift\\s+2 partitions")
            .contains("it has 2 partitions but STOCKLOG_PARTITIONS is 3")
            .contains("fix: set STOCKLOG_PARTITIONS=2");
      }
      Set<String> existing = admin.listTopics().names().get();
      assertThat(existing).as("nothing is created beside a misplaced events topic")
          .doesNotContain(env.get("STOCKLOG_OUTCOMES_TOPIC"), env.get("STOCKLOG_DEAD_LETTER_TOPIC"));
    }
  }

  @Test
  void configurationDriftNamesTheSettingAndTheFix(LocalStack stack) throws Exception {
    Map<String, String> env = env(stack, 3);
    String events = env.get("STOCKLOG_EVENTS_TOPIC");
    String deadLetters = env.get("STOCKLOG_DEAD_LETTER_TOPIC");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin.createTopics(List.of(
          new NewTopic(events, 3, (short) 1).configs(Map.of("retention.ms", "86400000")),
          new NewTopic(deadLetters, 1, (short) 1))).all().get();
    }
    Cli.Run run = Cli.run(env, "topics");
    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.out()).as("%s", run)
        .containsPattern(events + "\\s+drift")
        .contains("retention.ms is 86400000")
        .contains("--entity-name " + events + " --add-config retention.ms=-1")
        .containsPattern(env.get("STOCKLOG_OUTCOMES_TOPIC") + "\\s+created")
        .containsPattern(deadLetters + "\\s+drift\\s+1 partition, replication 1")
        .contains("--alter --topic " + deadLetters + " --partitions 3")
        .contains("the services refuse to start with these topics");
  }

  private static Map<String, String> env(LocalStack stack, int partitions) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    String suffix = HexFormat.of().formatHex(random);
    Map<String, String> env = Cli.env(stack);
    env.put("STOCKLOG_PARTITIONS", Integer.toString(partitions));
    env.put("STOCKLOG_EVENTS_TOPIC", "t-events-" + suffix);
    env.put("STOCKLOG_OUTCOMES_TOPIC", "t-outcomes-" + suffix);
    env.put("STOCKLOG_DEAD_LETTER_TOPIC", "t-dead-" + suffix);
    return env;
  }

  private static List<String> topics(Map<String, String> env) {
    return List.of(env.get("STOCKLOG_EVENTS_TOPIC"), env.get("STOCKLOG_OUTCOMES_TOPIC"),
        env.get("STOCKLOG_DEAD_LETTER_TOPIC"));
  }
}
