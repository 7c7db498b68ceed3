package io.stocklog.operator;

import io.stocklog.topics.TopicBootstrap;
import io.stocklog.topics.TopicSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code topics}: creates the three topics where they are missing ({@link TopicBootstrap#ensure}, the same code
 * every service runs at start) and compares each with what that code creates, naming every difference and
 * how to fix it.
 *
 * <p>A difference is <em>drift</em> when it breaks the service or its guarantees: the events topic losing,
 * compacting or re-partitioning events (the services refuse to start then), an outcomes or dead-letter topic
 * that lacks a partition the projector writes to (it writes each outcome and dead letter to its event's
 * partition number), fewer replicas or a lower {@code min.insync.replicas} than configured (an acknowledged
 * write is less durable than promised), or a {@code min.insync.replicas} above the replication (nothing can
 * be written with acks=all). Other differences from the defaults are <em>notes</em>: shown, never a failure
 * (an outcomes retention tuned on purpose, say).
 */
final class TopicCheck {

  static final long OUTCOMES_RETENTION_MS = TimeUnit.DAYS.toMillis(7);

  enum Verdict { OK, CREATED, DRIFT, MISSING }

  /** One difference: drift or a note, what differs, and how to fix it (null when there is nothing to fix). */
  record Finding(boolean drift, String what, String fix) {}

  record TopicReport(String role, String topic, Verdict verdict, Integer partitions, Integer replication,
      List<Finding> findings) {}

  /**
   * @param refusal what {@link TopicBootstrap#ensure} refused with (the message the services would fail to
   *     start with), or null
   */
  record Result(List<TopicReport> topics, String refusal, boolean checkOnly) {

    boolean failed() {
      return refusal != null || topics.stream().anyMatch(t -> t.verdict() == Verdict.DRIFT
          || t.verdict() == Verdict.MISSING);
    }
  }

  private final Admin admin;
  private final TopicSettings settings;
  private final String bootstrapServers;

  TopicCheck(Admin admin, TopicSettings settings, String bootstrapServers) {
    this.admin = admin;
    this.settings = settings;
    this.bootstrapServers = bootstrapServers;
  }

  /** Creates what is missing (unless {@code checkOnly}), then reports on every topic. */
  Result run(boolean checkOnly) {
    Set<String> before = KafkaOffsets.get(admin.listTopics().names());
    String refusal = null;
    if (!checkOnly) {
      try {
        TopicBootstrap.ensure(admin, settings);
      } catch (TopicBootstrap.MisconfiguredTopicException e) {
        refusal = e.getMessage();
      }
    }
    Set<String> after = checkOnly ? before : KafkaOffsets.get(admin.listTopics().names());
    Map<String, TopicDescription> described = describe(after);
    Map<String, Config> configs = configs(described.keySet());

    TopicDescription eventsTopic = described.get(settings.events());
    int eventPartitions = eventsTopic == null ? settings.partitions() : eventsTopic.partitions().size();
    List<TopicReport> reports = new ArrayList<>();
    reports.add(report("events", settings.events(), before, described, configs,
        findings -> events(described.get(settings.events()), configs.get(settings.events()), findings)));
    reports.add(report("outcomes", settings.outcomes(), before, described, configs,
        findings -> outcomes(described.get(settings.outcomes()), configs.get(settings.outcomes()), eventPartitions,
            findings)));
    reports.add(report("dead letters", settings.deadLetters(), before, described, configs,
        findings -> deadLetters(described.get(settings.deadLetters()), configs.get(settings.deadLetters()),
            eventPartitions, findings)));
    return new Result(reports, refusal, checkOnly);
  }

  private interface Checks {
    void add(List<Finding> findings);
  }

  private TopicReport report(String role, String topic, Set<String> before, Map<String, TopicDescription> described,
      Map<String, Config> configs, Checks checks) {
    TopicDescription d = described.get(topic);
    if (d == null) {
      return new TopicReport(role, topic, Verdict.MISSING, null, null, List.of());
    }
    List<Finding> findings = new ArrayList<>();
    checks.add(findings);
    int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
    Verdict verdict = findings.stream().anyMatch(Finding::drift) ? Verdict.DRIFT
        : before.contains(topic) ? Verdict.OK : Verdict.CREATED;
    return new TopicReport(role, topic, verdict, d.partitions().size(), replication, findings);
  }

  private void events(TopicDescription d, Config c, List<Finding> f) {
    String t = d.name();
    int partitions = d.partitions().size();
    if (partitions != settings.partitions()) {
      f.add(new Finding(true, "it has " + partitions + " partitions but STOCKLOG_PARTITIONS is " + settings.partitions()
          + ": a SKU's partition, and with it its one serial writer and its clock, depends on the count",
          "set STOCKLOG_PARTITIONS=" + partitions + " for every service and this CLI (the events topic cannot be"
              + " re-partitioned without moving SKUs)"));
    }
    expect(f, true, t, c, TopicConfig.RETENTION_MS_CONFIG, "-1", "events would be deleted, and a replay would no"
        + " longer reproduce the read model");
    expect(f, true, t, c, TopicConfig.RETENTION_BYTES_CONFIG, "-1", "events would be deleted once the partition"
        + " grows past it");
    String cleanup = value(c, TopicConfig.CLEANUP_POLICY_CONFIG);
    if (cleanup == null || cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      f.add(new Finding(true, "cleanup.policy is " + cleanup + ": compaction keeps only the last event of a SKU",
          alter(t, TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));
    }
    durability(d, c, f);
  }

  private void outcomes(TopicDescription d, Config c, int eventPartitions, List<Finding> f) {
    String t = d.name();
    int partitions = d.partitions().size();
    if (partitions < eventPartitions) {
      f.add(new Finding(true, "it has " + partitions + " partition(s), the events topic " + eventPartitions
          + ": the outcome of an event goes to its event's partition number, which does not exist here",
          "kafka-topics.sh --bootstrap-server " + bootstrapServers + " --alter --topic " + t + " --partitions "
              + eventPartitions + " (safe: outcomes are placed by their event's partition, not by key)"));
    } else if (partitions > eventPartitions) {
      f.add(new Finding(true, "it has " + partitions + " partitions, the events topic " + eventPartitions
          + "; they must match (the services refuse to start)",
          "recreate " + t + " with " + eventPartitions + " partitions while the projector services are stopped,"
              + " and reset the sink groups; or rebuild into a new projection"));
    }
    String retention = value(c, TopicConfig.RETENTION_MS_CONFIG);
    if (!Long.toString(OUTCOMES_RETENTION_MS).equals(retention)) {
      f.add(new Finding(false, "retention.ms is " + retention + ", the default is " + OUTCOMES_RETENTION_MS
          + " (7 days): outcomes are derived and a rebuild makes them again", null));
    }
    durability(d, c, f);
  }

  private void deadLetters(TopicDescription d, Config c, int eventPartitions, List<Finding> f) {
    String t = d.name();
    int partitions = d.partitions().size();
    if (partitions < eventPartitions) {
      f.add(new Finding(true, "it has " + partitions + " partition(s), the events topic " + eventPartitions
          + ": a dead letter goes to its event's partition number, which does not exist here",
          "kafka-topics.sh --bootstrap-server " + bootstrapServers + " --alter --topic " + t + " --partitions "
              + eventPartitions));
    } else if (partitions > eventPartitions) {
      f.add(new Finding(false, "it has " + partitions + " partitions, more than the events topic's "
          + eventPartitions + "; the extra ones stay empty", null));
    }
    String retention = value(c, TopicConfig.RETENTION_MS_CONFIG);
    if (!"-1".equals(retention)) {
      f.add(new Finding(false, "retention.ms is " + retention + ": dead letters are deleted even if no one fixed"
          + " them (the originals stay in the events topic)", alter(t, TopicConfig.RETENTION_MS_CONFIG, "-1")));
    }
    durability(d, c, f);
  }

  /** Replication and min.insync.replicas against STOCKLOG_REPLICATION and STOCKLOG_MIN_INSYNC. */
  private void durability(TopicDescription d, Config c, List<Finding> f) {
    String t = d.name();
    int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
    if (replication < settings.replication()) {
      f.add(new Finding(true, "replication is " + replication + " but STOCKLOG_REPLICATION is "
          + settings.replication() + ": fewer copies than configured",
          "add replicas with kafka-reassign-partitions.sh, or set STOCKLOG_REPLICATION=" + replication));
    } else if (replication > settings.replication()) {
      f.add(new Finding(false, "replication is " + replication + ", more than STOCKLOG_REPLICATION="
          + settings.replication(), null));
    }
    String minInsync = value(c, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    int min;
    try {
      min = Integer.parseInt(minInsync);
    } catch (NumberFormatException | NullPointerException e) {
      return;
    }
    if (min > replication) {
      f.add(new Finding(true, "min.insync.replicas is " + min + ", more than its " + replication
          + " replicas: no write with acks=all can succeed",
          alter(t, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInsync()))));
    } else if (min < settings.minInsync()) {
      f.add(new Finding(true, "min.insync.replicas is " + min + " but STOCKLOG_MIN_INSYNC is " + settings.minInsync()
          + ": an acknowledged write is on fewer replicas than promised",
          alter(t, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInsync()))));
    } else if (min > settings.minInsync()) {
      f.add(new Finding(false, "min.insync.replicas is " + min + ", more than STOCKLOG_MIN_INSYNC="
          + settings.minInsync(), null));
    }
  }

  private void expect(List<Finding> f, boolean drift, String topic, Config c, String key, String wanted,
      String why) {
    String actual = value(c, key);
    if (!wanted.equals(actual)) {
      f.add(new Finding(drift, key + " is " + actual + ": " + why, alter(topic, key, wanted)));
    }
  }

  private String alter(String topic, String key, String value) {
    return "kafka-configs.sh --bootstrap-server " + bootstrapServers + " --alter --entity-type topics --entity-name "
        + topic + " --add-config " + key + "=" + value;
  }

  private static String value(Config config, String name) {
    if (config == null) {
      return null;
    }
    ConfigEntry entry = config.get(name);
    return entry == null ? null : entry.value();
  }

  /** The three topics that exist, waiting out the moment after creation when a broker does not know one yet. */
  private Map<String, TopicDescription> describe(Set<String> existing) {
    List<String> names = List.of(settings.events(), settings.outcomes(), settings.deadLetters()).stream()
        .filter(existing::contains).toList();
    if (names.isEmpty()) {
      return Map.of();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return KafkaOffsets.get(admin.describeTopics(names).allTopicNames());
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        sleep();
      }
    }
  }

  private Map<String, Config> configs(Set<String> topics) {
    if (topics.isEmpty()) {
      return Map.of();
    }
    List<ConfigResource> resources = topics.stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> described = KafkaOffsets.get(admin.describeConfigs(resources).all());
    Map<String, Config> byTopic = new HashMap<>();
    described.forEach((r, c) -> byTopic.put(r.name(), c));
    return byTopic;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void print(Result result, PrintStream out) {
    int width = result.topics().stream().mapToInt(t -> t.topic().length()).max().orElse(0);
    for (TopicReport t : result.topics()) {
      String verdict = switch (t.verdict()) {
        case OK -> "ok";
        case CREATED -> "created";
        case DRIFT -> "drift";
        case MISSING -> result.checkOnly() ? "missing" : "missing (not created)";
      };
      String shape = t.partitions() == null ? ""
          : "  " + t.partitions() + (t.partitions() == 1 ? " partition" : " partitions") + ", replication "
              + t.replication();
      out.printf("%-13s %-" + width + "s  %s%s%n", t.role(), t.topic(), verdict, shape);
      for (Finding f : t.findings()) {
        out.printf("    %s: %s%n", f.drift() ? "drift" : "note", f.what());
        if (f.fix() != null) {
          out.printf("      fix: %s%n", f.fix());
        }
      }
    }
    if (result.refusal() != null) {
      out.println("the services refuse to start with these topics: " + result.refusal());
      if (result.topics().stream().anyMatch(t -> t.verdict() == Verdict.MISSING)) {
        out.println("nothing was created: fix the events topic first, then run `topics` again");
      }
    }
    if (result.checkOnly() && result.topics().stream().anyMatch(t -> t.verdict() == Verdict.MISSING)) {
      out.println("missing topics: run `topics` without --check to create them");
    }
  }
}
