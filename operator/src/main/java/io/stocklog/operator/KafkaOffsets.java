package io.stocklog.operator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The offsets an operator reasons with, by partition number, read through the admin client. */
public final class KafkaOffsets implements ConsumerGroups {

  private final Admin admin;

  KafkaOffsets(Admin admin) {
    this.admin = admin;
  }

  /** Partition count of {@code topic}. */
  public int partitions(String topic) {
    return get(admin.describeTopics(java.util.List.of(topic)).allTopicNames()).get(topic).partitions().size();
  }

  /** The log end offset of each partition of {@code topic} (the next offset to be written). */
  public Map<Integer, Long> end(String topic) {
    return list(topic, OffsetSpec.latest());
  }

  /** The first offset still in each partition of {@code topic}. */
  public Map<Integer, Long> start(String topic) {
    return list(topic, OffsetSpec.earliest());
  }

  private Map<Integer, Long> list(String topic, OffsetSpec spec) {
    int n = partitions(topic);
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    for (int p = 0; p < n; p++) {
      request.put(new TopicPartition(topic, p), spec);
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = get(admin.listOffsets(request).all());
    Map<Integer, Long> offsets = new TreeMap<>();
    result.forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
    return offsets;
  }

  /**
   * The offsets {@code group} committed in {@code topic}: the next offset it will read, 0 for a partition it
   * never committed.
   */
  @Override
  public Map<Integer, Long> committed(String group, String topic) {
    Map<Integer, Long> offsets = new TreeMap<>();
    int n = partitions(topic);
    for (int p = 0; p < n; p++) {
      offsets.put(p, 0L);
    }
    offsets.putAll(committedPartitions(group, topic));
    return offsets;
  }

  /** The offsets {@code group} committed in {@code topic}; a partition it never committed is absent. */
  public Map<Integer, Long> committedPartitions(String group, String topic) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<Integer, Long> offsets = new TreeMap<>();
    committed.forEach((tp, om) -> {
      if (tp.topic().equals(topic) && om != null) {
        offsets.put(tp.partition(), om.offset());
      }
    });
    return offsets;
  }

  /** Whether {@code group} has no live member (it is empty, dead, or was never created). */
  @Override
  public boolean idle(String group) {
    try {
      ConsumerGroupDescription d = get(admin.describeConsumerGroups(java.util.List.of(group)).all()).get(group);
      return d.members().isEmpty() && (d.groupState() == GroupState.EMPTY || d.groupState() == GroupState.DEAD);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return true;
      }
      throw e;
    }
  }

  /**
   * Whether {@code group} is stable with at least one member, every member's client ID starts with
   * {@code clientIdPrefix}, and every partition of {@code topic} is assigned to one of them: a Streams application's
   * instances of one kind (see the projector's client IDs) have joined, and no other kind is left.
   */
  public boolean stableWith(String group, String clientIdPrefix, String topic) {
    ConsumerGroupDescription d;
    try {
      d = get(admin.describeConsumerGroups(java.util.List.of(group)).all()).get(group);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false;
      }
      throw e;
    }
    if (d.groupState() != GroupState.STABLE || d.members().isEmpty()
        || !d.members().stream().allMatch(m -> m.clientId().startsWith(clientIdPrefix))) {
      return false;
    }
    java.util.Set<Integer> assigned = new java.util.HashSet<>();
    d.members().forEach(m -> m.assignment().topicPartitions().stream()
        .filter(tp -> tp.topic().equals(topic)).forEach(tp -> assigned.add(tp.partition())));
    return assigned.size() == partitions(topic);
  }

  /** Sets {@code group}'s committed offsets in {@code topic}; the group must have no live member. */
  @Override
  public void commit(String group, String topic, Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> request = offsets.entrySet().stream().collect(Collectors.toMap(
        e -> new TopicPartition(topic, e.getKey()), e -> new OffsetAndMetadata(e.getValue())));
    get(admin.alterConsumerGroupOffsets(group, request).all());
  }

  /** Whether every partition of {@code have} is at or past {@code want}. */
  public static boolean atLeast(Map<Integer, Long> have, Map<Integer, Long> want) {
    return want.entrySet().stream().allMatch(e -> have.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /** Sum over partitions of {@code to - from}, never negative per partition. */
  public static long distance(Map<Integer, Long> from, Map<Integer, Long> to) {
    long d = 0;
    for (Map.Entry<Integer, Long> e : to.entrySet()) {
      d += Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), 0L));
    }
    return d;
  }

  static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }
}
