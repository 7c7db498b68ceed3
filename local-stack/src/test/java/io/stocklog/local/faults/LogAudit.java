package io.stocklog.local.faults;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderLineCommand;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationExtended;
import io.stocklog.events.ReservationRequested;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockAdjusted;
import io.stocklog.events.StockReceived;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import io.stocklog.verify.HomePartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The log and the decisions as they are, read back from Kafka (read_committed, every partition from the
 * start) after a fault: where each accepted event is, how often it was appended, how often decided, and
 * whether any decision left a SKU with more held than it had. These are the figures of the reliability
 * report; the {@code InvariantChecker} is the full check (the read model equals a fold of the log).
 */
final class LogAudit {

  /** What the report says of a fault: the last three must be zero. */
  record Figures(long accepted, long lost, long duplicated, long oversold) {
    String line() {
      return "accepted=" + accepted + " lost=" + lost + " duplicated=" + duplicated + " oversold=" + oversold;
    }
  }

  /**
   * Every record of the events topic that decodes as an event, by event ID (ticks left out, and records outside
   * their key's home partition, which the projector forwards home: the home copy counts).
   */
  final Map<String, List<Position>> appendedAt = new HashMap<>();
  /** {@code sku/subjectId} of every SKU event in the log. */
  final Set<String> subjectsInLog = new HashSet<>();
  /** Records of the events topic that are not events (poison), by position. */
  final Map<Position, byte[]> undecodable = new TreeMap<>();
  /** Every outcome, in partition order. */
  final List<Outcome> outcomes = new ArrayList<>();
  /** Decisions other than expiries per causing event ID: each event is decided exactly once. */
  final Map<String, Integer> decisionsPerEvent = new HashMap<>();
  long ticks;
  /** Events outside the home partition of their key (forwarded home by the projector), not counted above. */
  long awayFromHome;

  static LogAudit read(String bootstrapServers, TopicSettings topics) {
    LogAudit audit = new LogAudit();
    for (ConsumerRecord<String, byte[]> r : readAll(bootstrapServers, topics.events(), topics.partitions(),
        new ByteArrayDeserializer())) {
      Position at = new Position(r.partition(), r.offset());
      Event event;
      try {
        event = EventCodec.decode(r.value());
      } catch (InvalidEventException | RuntimeException e) {
        audit.undecodable.put(at, r.value());
        continue;
      }
      if (event instanceof ClockTick) {
        audit.ticks++;
        continue;
      }
      if (awayFromHome(event, r.key(), r.partition(), topics.partitions())) {
        // A producer with another partitioner put it here; the projector forwarded it to its home, whose copy counts.
        audit.awayFromHome++;
        continue;
      }
      audit.appendedAt.computeIfAbsent(event.eventId(), id -> new ArrayList<>()).add(at);
      if (event instanceof SkuEvent e) {
        audit.subjectsInLog.add(e.sku() + "/" + subjectOf(e));
      }
    }
    for (ConsumerRecord<String, Outcome> r : readAll(bootstrapServers, topics.outcomes(), topics.partitions(),
        JsonSerde.of(Outcome.class).deserializer())) {
      Outcome o = r.value();
      audit.outcomes.add(o);
      if (o.decision() != Decision.EXPIRED) {
        audit.decisionsPerEvent.merge(o.eventId(), 1, Integer::sum);
      }
    }
    return audit;
  }

  /** Whether {@code event}, keyed by its own key, is outside that key's home partition ({@link HomePartition}). */
  static boolean awayFromHome(Event event, String key, int partition, int partitions) {
    String own = switch (event) {
      case SkuEvent e -> e.sku();
      case OrderEvent e -> e.orderId();
      case ClockTick t -> null;
    };
    return own != null && own.equals(key) && HomePartition.of(own, partitions) != partition;
  }

  static String subjectOf(SkuEvent e) {
    return switch (e) {
      case StockReceived r -> r.receiptId();
      case StockAdjusted a -> a.adjustmentId();
      case ReservationRequested r -> r.orderId();
      case ReservationConfirmed c -> c.orderId();
      case ReservationCancelled c -> c.orderId();
      case ReservationExtended x -> x.orderId();
      case OrderLineCommand l -> l.orderId();
    };
  }

  /**
   * lost: accepted but not in the log, or in it and never decided; duplicated: accepted and appended more
   * than once, or decided more than once; oversold: units held beyond a SKU's stock, the largest deficit any
   * decision of a SKU left (reserved above onHand), summed over SKUs.
   */
  Figures figures(Set<String> accepted) {
    long lost = 0;
    long duplicated = 0;
    for (String id : accepted) {
      List<Position> at = appendedAt.get(id);
      int decided = decisionsPerEvent.getOrDefault(id, 0);
      if (at == null || decided == 0) {
        lost++;
      }
      if ((at != null && at.size() > 1) || decided > 1) {
        duplicated++;
      }
    }
    return new Figures(accepted.size(), lost, duplicated, oversold());
  }

  /** Accepted event IDs not in the log, or never decided; for assertion messages. */
  List<String> lost(Set<String> accepted) {
    return accepted.stream()
        .filter(id -> !appendedAt.containsKey(id) || decisionsPerEvent.getOrDefault(id, 0) == 0)
        .sorted().limit(20).toList();
  }

  long oversold() {
    Map<String, Long> deficit = new HashMap<>();
    for (Outcome o : outcomes) {
      if (o.available() < 0 || o.onHand() < 0) {
        deficit.merge(o.sku(), Math.max(-o.available(), -o.onHand()), Math::max);
      }
    }
    return deficit.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Units held (HELD decisions, first time only) per SKU. */
  Map<String, Long> heldUnits() {
    Map<String, Long> held = new TreeMap<>();
    for (Outcome o : outcomes) {
      if (o.decision() == Decision.HELD && !o.duplicate()) {
        held.merge(o.sku(), o.quantity(), Long::sum);
      }
    }
    return held;
  }

  /** Events whose outcomes appear more than once: the IDs, for assertion messages. */
  List<String> decidedTwice() {
    return decisionsPerEvent.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
        .sorted().limit(20).toList();
  }

  /** The highest event offset per events partition that has an outcome: what the read model must reach. */
  Map<Integer, Long> lastDecidedOffsets() {
    Map<Integer, Long> last = new TreeMap<>();
    for (Outcome o : outcomes) {
      Position p = Position.parse(o.position());
      last.merge(p.partition(), p.offset(), Math::max);
    }
    return last;
  }

  /**
   * True when the read model has applied every outcome this audit read: for each events partition its
   * {@code applied_position} is at or past the last decided offset.
   */
  boolean readModelCaughtUp(DataSource readModel) {
    Map<Integer, Long> applied = new HashMap<>();
    try (var c = readModel.getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("select events_partition, applied_offset from applied_position")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      return false;
    }
    return lastDecidedOffsets().entrySet().stream()
        .allMatch(e -> applied.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  /** Every committed record of {@code topic}, partition by partition in offset order. */
  static <V> List<ConsumerRecord<String, V>> readAll(String bootstrapServers, String topic, int partitions,
      Deserializer<V> values) {
    return readAll(bootstrapServers, topic, partitions, values, "read_committed");
  }

  /**
   * Records of {@code topic} that were written in transactions later aborted (or never ended): what a
   * read_uncommitted reader sees beyond a read_committed one. A projector killed mid-transaction leaves some.
   */
  static long abortedRecords(String bootstrapServers, String topic, int partitions) {
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    return readAll(bootstrapServers, topic, partitions, bytes, "read_uncommitted").size()
        - readAll(bootstrapServers, topic, partitions, bytes, "read_committed").size();
  }

  /** Every record of {@code topic} a reader with {@code isolation} sees, partition by partition in offset order. */
  static <V> List<ConsumerRecord<String, V>> readAll(String bootstrapServers, String topic, int partitions,
      Deserializer<V> values, String isolation) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), values)) {
      List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + ends + " within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    records.sort(java.util.Comparator.<ConsumerRecord<String, V>>comparingInt(ConsumerRecord::partition)
        .thenComparingLong(ConsumerRecord::offset));
    return records;
  }
}
