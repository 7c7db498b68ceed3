package io.stocklog.operator;

import java.util.Map;

/**
 * What a {@link Handoff} needs to know of consumer groups, and the one thing it changes: {@link KafkaOffsets}
 * in the CLI, a scripted implementation in {@code HandoffTest}.
 */
interface ConsumerGroups {

  /** The offsets {@code group} committed in {@code topic}, the next it will read; 0 where it never committed. */
  Map<Integer, Long> committed(String group, String topic);

  /** Whether {@code group} has no live member (it is empty, dead, or was never created). */
  boolean idle(String group);

  /** Sets {@code group}'s committed offsets in {@code topic}; the group must have no live member. */
  void commit(String group, String topic, Map<Integer, Long> offsets);
}
