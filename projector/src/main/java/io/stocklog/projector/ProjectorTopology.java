package io.stocklog.projector;

import io.stocklog.events.ClockTick;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The projector's topology: events in, decisions out, in log order per partition.
 *
 * <pre>
 *   events (bytes, bytes) ──▶ decide ──▶ outcomes      (sku, Outcome JSON), same partition as the event
 *          ▲                    │  └───▶ dead-letters  (original key, DeadLetter JSON), same partition
 *          └─ a ClockTick ◀─────┤  into a quiet partition whose hold is due (see DecideProcessor)
 *                               └─ stock, reservations, applied-ids, clock (persistent, logged)
 * </pre>
 *
 * <p>The source reads raw bytes so that no record can fail in deserialization: {@link DecideProcessor}
 * decodes each one itself and dead-letters what it cannot use. Both sinks write to the partition number
 * of the record that caused them, which each value carries (an outcome in its position, a dead letter in
 * its partition field): the outcome of an event is then next to the outcomes of the events before it,
 * whatever partitioner the event's producer used.
 */
public final class ProjectorTopology {

  public static final String SOURCE = "events";
  public static final String DECIDE = "decide";
  public static final String OUTCOMES_SINK = "outcomes";
  public static final String DEAD_LETTER_SINK = "dead-letters";

  private ProjectorTopology() {}

  /** Adds the projector's nodes and stores to {@code topology} and returns it. */
  public static Topology build(Topology topology, TopicSettings topics, ProjectorOptions options) {
    topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topics.events());
    DecisionMetrics metrics = new DecisionMetrics(options.metrics());
    topology.addProcessor(DECIDE, () -> new DecideProcessor(options, metrics), SOURCE);
    for (StoreBuilder<?> store : KeyValueInventoryStore.storeBuilders(options.stores())) {
      topology.addStateStore(store, DECIDE);
    }
    topology.addSink(OUTCOMES_SINK, topics.outcomes(), Serdes.String().serializer(),
        JsonSerde.of(Outcome.class).serializer(), outcomePartition(), DECIDE);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), Serdes.ByteArray().serializer(),
        DeadLetter.serializer(), deadLetterPartition(), DECIDE);
    return topology;
  }

  public static Topology build(TopicSettings topics, ProjectorOptions options) {
    return build(new Topology(), topics, options);
  }

  static StreamPartitioner<String, Outcome> outcomePartition() {
    return (topic, sku, outcome, partitions) ->
        Optional.of(Set.of(Position.parse(outcome.position()).partition()));
  }

  static StreamPartitioner<byte[], DeadLetter> deadLetterPartition() {
    return (topic, key, letter, partitions) -> Optional.of(Set.of(letter.partition()));
  }
}
