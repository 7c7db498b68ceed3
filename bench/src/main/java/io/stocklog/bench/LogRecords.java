package io.stocklog.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records this system's runs append to its broker, per decision and by what they are: the events, the
 * outcomes, the projector's state changelogs, and Kafka's own bookkeeping (consumer offsets, transaction state).
 * Read as the growth of every partition's end offset over a run, so a transaction's commit marker counts too, in
 * the topic it marks: each is a record the broker wrote.
 */
final class LogRecords {

  static final String EVENTS = "events";
  static final String OUTCOMES = "outcomes";
  static final String CHANGELOGS = "state changelogs";
  static final String OFFSETS = "consumer offsets";
  static final String TRANSACTIONS = "transaction state";
  static final String OTHER = "other topics";

  private final String bootstrapServers;
  private final String eventsTopic;
  private final String outcomesTopic;

  LogRecords(String bootstrapServers, String eventsTopic, String outcomesTopic) {
    this.bootstrapServers = bootstrapServers;
    this.eventsTopic = eventsTopic;
    this.outcomesTopic = outcomesTopic;
  }

  /** The end offsets of every topic's partitions now, summed by {@link #group}. */
  Map<String, Long> ends() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
          .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<String, Long> ends = new TreeMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.merge(group(tp.topic()), info.offset(), Long::sum));
      return ends;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the end offsets on " + bootstrapServers, e);
    }
  }

  String group(String topic) {
    if (topic.equals(eventsTopic)) {
      return EVENTS;
    }
    if (topic.equals(outcomesTopic) || topic.startsWith(outcomesTopic + ".")) {
      return OUTCOMES;
    }
    if (topic.endsWith("-changelog")) {
      return CHANGELOGS;
    }
    if (topic.equals("__consumer_offsets")) {
      return OFFSETS;
    }
    if (topic.equals("__transaction_state")) {
      return TRANSACTIONS;
    }
    return OTHER;
  }

  /** What was appended between two snapshots, by group, in a fixed order. */
  static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> appended = new LinkedHashMap<>();
    for (String g : new String[] {EVENTS, OUTCOMES, CHANGELOGS, OFFSETS, TRANSACTIONS, OTHER}) {
      appended.put(g, after.getOrDefault(g, 0L) - before.getOrDefault(g, 0L));
    }
    return appended;
  }

}
