package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An order's record is decided only in the partition of its order ID (murmur2, as the default partitioner puts it);
 * anywhere else it is dead-lettered with a reason that says where it belongs, and changes nothing.
 */
class OrderRoutingTest {

  private static final int PARTITIONS = 12;
  private static final Instant T = Instant.parse("2026-12-06T23:00:00Z");

  @Test
  void anOrdersRecordOutsideItsOrdersPartitionIsDeadLetteredAndAtHomeIsDecided() {
    OrderPlaced placed = Events.placed("o-9", 60, List.of(new OrderPlaced.Line("a", 1)), T);
    int home = OrderRouting.partitionOf("o-9", PARTITIONS);
    int away = (home + 1) % PARTITIONS;

    Recorder atHome = fold(home, placed);
    Recorder elsewhere = fold(away, placed);

    assertThat(atHome.deadLetters).isEmpty();
    assertThat(atHome.appended).as("the line's hold is asked for").hasSize(1);
    assertThat(elsewhere.deadLetters).containsExactly("partition: a OrderPlaced of order 'o-9' belongs in partition "
        + home + " of 12 (murmur2 of its key, the default partitioner's choice), where its coordinator is; it is in "
        + "partition " + away);
    assertThat(elsewhere.appended).isEmpty();
    assertThat(elsewhere.orders).isEmpty();
  }

  @Test
  void theHomePartitionIsTheDefaultPartitioners() {
    // Kafka's murmur2 of "o-9" as kafka-clients' default partitioner computes it, pinned.
    assertThat(OrderRouting.partitionOf("o-9", PARTITIONS))
        .isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2("o-9".getBytes(StandardCharsets.UTF_8))) % PARTITIONS);
    assertThat(OrderRouting.misrouted(Events.received("a", "r-1", 1, T), 3, PARTITIONS)).isNull();
  }

  private static Recorder fold(int partition, Event event) {
    PartitionFold<?> fold = PartitionFold.inMemory(partition, PARTITIONS, Duration.ofDays(7),
        RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
    Recorder r = new Recorder();
    fold.apply(0, "o-9".getBytes(StandardCharsets.UTF_8), EventCodec.encode(event), r);
    return r;
  }

  private static final class Recorder implements ReplayListener {
    final List<String> deadLetters = new ArrayList<>();
    final List<OrderOutcome> orders = new ArrayList<>();
    final List<Event> appended = new ArrayList<>();

    @Override
    public void outcome(Position at, Outcome outcome) {}

    @Override
    public void order(Position at, OrderOutcome outcome) {
      orders.add(outcome);
    }

    @Override
    public void append(Position at, Event record) {
      appended.add(record);
    }

    @Override
    public void deadLetter(Position at, String error, String eventId) {
      deadLetters.add(error);
    }
  }
}
