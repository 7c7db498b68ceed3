package io.stocklog.projector;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.json.Json;
import io.stocklog.outcomes.OrderOutcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.serialization.Serializer;
import io.stocklog.json.JsonSerde;
import io.stocklog.verify.HomePartition;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicBootstrap;
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
 *          ▲  ▲                 │  ├───▶ outcomes      (orderId, OrderOutcome JSON + header), same partition
 *          │  │                 │  └───▶ dead-letters  (original key, DeadLetter JSON), same partition
 *          │  ├─ line commands (sku) and line reports (orderId), in the transaction, default partitioner
 *          │  └─ a record outside its key's home partition, as it was, to its home, in the transaction
 *          └─ a ClockTick ◀─────┤  into a quiet partition whose hold or order is due (see DecideProcessor)
 *                               └─ stock, reservations, applied-ids, clock, orders (persistent, logged)
 * </pre>
 *
 * <p>The records an order's coordinator and its lines append go to the events topic through the sink {@value
 * #APPENDS_SINK}, in the task's exactly-once transaction with the read offsets, the stores and the outcomes, keyed
 * as their types say (a line command by its SKU, a report by its order ID) and placed by the default partitioner
 * (murmur2 of the key), which is where a SKU's events and an order's records belong. A SKU event or an order's
 * record that a producer with another partitioner put outside that home ({@link HomePartition}) is not decided
 * where it is but appended there, key, value and headers as they were plus the header naming its position, through
 * the sink {@value #FORWARDS_SINK}, likewise in the transaction; its partition is named
 * explicitly (murmur2 of the key, {@link HomePartition}), the fold's own choice whatever the producer's settings.
 *
 * <p>The source reads raw bytes so that no record can fail in deserialization: {@link DecideProcessor}
 * decodes each one itself and dead-letters what it cannot use. The outcomes and dead-letter sinks write to the
 * partition number of the record that caused them, which each value carries (an outcome in its position, a dead
 * letter in its partition field): the outcome of an event is then next to the outcomes of the events before it.
 */
public final class ProjectorTopology {

  public static final String SOURCE = "events";
  public static final String DECIDE = "decide";
  public static final String OUTCOMES_SINK = "outcomes";
  public static final String DEAD_LETTER_SINK = "dead-letters";
  public static final String ORDER_OUTCOMES_SINK = "order-outcomes";
  public static final String APPENDS_SINK = "appends";
  public static final String FORWARDS_SINK = "forwards";

  private ProjectorTopology() {}

  /** Adds the projector's nodes and stores to {@code topology} and returns it. */
  public static Topology build(Topology topology, TopicSettings topics, ProjectorOptions options) {
    topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topics.events());
    DecisionMetrics metrics = new DecisionMetrics(options.metrics());
    int partitions = topics.partitions();
    topology.addProcessor(DECIDE, () -> new DecideProcessor(options, metrics, partitions), SOURCE);
    for (StoreBuilder<?> store : KeyValueInventoryStore.storeBuilders(options.stores())) {
      topology.addStateStore(store, DECIDE);
    }
    topology.addSink(OUTCOMES_SINK, topics.outcomes(), Serdes.String().serializer(),
        JsonSerde.of(Outcome.class).serializer(), outcomePartition(), DECIDE);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), Serdes.ByteArray().serializer(),
        DeadLetter.serializer(), deadLetterPartition(), DECIDE);
    topology.addSink(ORDER_OUTCOMES_SINK, topics.outcomes(), Serdes.String().serializer(), orderOutcomeSerializer(),
        orderOutcomePartition(), DECIDE);
    Serializer<Event> events = (topic, event) -> EventCodec.encode(event);
    topology.addSink(APPENDS_SINK, topics.events(), Serdes.String().serializer(), events, DECIDE);
    topology.addSink(FORWARDS_SINK, topics.events(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(),
        homePartition(partitions), DECIDE);
    return topology;
  }

  public static Topology build(TopicSettings topics, ProjectorOptions options) {
    return build(new Topology(), topics, options);
  }

  static StreamPartitioner<String, Outcome> outcomePartition() {
    return (topic, sku, outcome, partitions) ->
        Optional.of(Set.of(Position.parse(outcome.position()).partition()));
  }

  static StreamPartitioner<String, OrderOutcome> orderOutcomePartition() {
    return (topic, orderId, outcome, partitions) ->
        Optional.of(Set.of(Position.parse(outcome.position()).partition()));
  }

  static Serializer<OrderOutcome> orderOutcomeSerializer() {
    return (topic, outcome) -> {
      try {
        return Json.MAPPER.writeValueAsBytes(outcome);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the order outcome " + outcome, e);
      }
    };
  }

  /**
   * The home of a forwarded record's key among the {@code partitions} the fold counts (which {@link TopicBootstrap}
   * holds equal to the topic's): the partition the fold forwarded it to, whose fold takes it as home, so a record
   * is forwarded at most once even if the topic were to gain partitions under a running projector.
   */
  static StreamPartitioner<byte[], byte[]> homePartition(int partitions) {
    return (topic, key, value, actual) -> Optional.of(Set.of(HomePartition.of(HomePartition.hash(key), partitions)));
  }

  static StreamPartitioner<byte[], DeadLetter> deadLetterPartition() {
    return (topic, key, letter, partitions) -> Optional.of(Set.of(letter.partition()));
  }
}
