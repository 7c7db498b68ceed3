package io.stocklog.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderPlaced;
import io.stocklog.events.StockReceived;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * A SKU event or an order's record is decided only in the home partition of its key (murmur2, as the default
 * partitioner puts it); anywhere else it is forwarded there, not folded and not dead-lettered. A tick is folded
 * wherever it is.
 */
class HomePartitionTest {

  private static final int PARTITIONS = 12;
  private static final Instant T = Instant.parse("2026-12-06T23:00:00Z");

  @Test
  void anOrdersRecordOutsideItsHomeIsForwardedThereAndAtHomeIsDecided() {
    OrderPlaced placed = Events.placed("o-9", 60, List.of(new OrderPlaced.Line("a", 1)), T);
    int home = HomePartition.of("o-9", PARTITIONS);
    int away = (home + 1) % PARTITIONS;

    Folded atHome = fold(home, "o-9", placed);
    Folded elsewhere = fold(away, "o-9", placed);

    assertThat(atHome.recorder.forwarded).isEmpty();
    assertThat(atHome.recorder.decided).containsExactly(placed.eventId());
    assertThat(atHome.recorder.appended).as("the line's hold is asked for").hasSize(1);
    assertThat(atHome.fold.orders().order("o-9")).isNotNull();

    assertThat(elsewhere.recorder.forwarded).containsExactly(placed.eventId() + " from " + away + " to " + home);
    assertThat(elsewhere.recorder.appended).as("an offline fold's append sees the forward").containsExactly(placed);
    assertThat(elsewhere.recorder.decided).isEmpty();
    assertThat(elsewhere.recorder.deadLetters).isEmpty();
    assertThat(elsewhere.recorder.orders).isEmpty();
    assertThat(elsewhere.fold.orders().order("o-9")).as("not folded").isNull();
    assertThat(elsewhere.fold.state().clock()).as("the clock has not moved").isEqualTo(atStart().state().clock());
    assertThat(elsewhere.fold.forwarded()).isEqualTo(1);
    assertThat(elsewhere.fold.events()).isZero();
    assertThat(elsewhere.fold.deadLetters()).isZero();
  }

  @Test
  void aSkuEventOutsideItsHomeIsForwardedThereAndAtHomeIsDecided() {
    StockReceived received = Events.received("sku-7", "r-1", 5, T);
    int home = HomePartition.of("sku-7", PARTITIONS);
    int away = (home + 5) % PARTITIONS;

    Folded atHome = fold(home, "sku-7", received);
    Folded elsewhere = fold(away, "sku-7", received);

    assertThat(atHome.recorder.outcomes).containsExactly(Decision.RECEIVED);
    assertThat(atHome.fold.state().stock("sku-7").onHand()).isEqualTo(5);
    assertThat(atHome.fold.forwarded()).isZero();

    assertThat(elsewhere.recorder.forwarded).containsExactly(received.eventId() + " from " + away + " to " + home);
    assertThat(elsewhere.recorder.outcomes).isEmpty();
    assertThat(elsewhere.recorder.decided).isEmpty();
    assertThat(elsewhere.recorder.deadLetters).isEmpty();
    assertThat(elsewhere.fold.state().stockLevels()).as("no second writer of sku-7").isEmpty();
    assertThat(elsewhere.fold.state().clock()).isEqualTo(atStart().state().clock());
  }

  @Test
  void aTickHasNoHomeAndIsFoldedWhereItIs() {
    for (int p = 0; p < PARTITIONS; p++) {
      PartitionFold<InMemoryInventoryStore> fold = atStart(p);
      Recorder r = new Recorder();
      fold.apply(0, null, EventCodec.encode(Events.tick(T)), r);
      assertThat(r.forwarded).isEmpty();
      assertThat(fold.events()).isEqualTo(1);
      assertThat(fold.state().clock()).isEqualTo(T.toEpochMilli());
    }
  }

  @Test
  void theHomePartitionIsTheDefaultPartitioners() {
    // Kafka's murmur2 as kafka-clients' default partitioner computes it for a key, pinned for two keys.
    for (String key : List.of("o-9", "sku-7")) {
      int murmur2 = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
      assertThat(HomePartition.of(key, PARTITIONS)).isEqualTo(murmur2);
      assertThat(HomePartition.of(HomePartition.hash(key.getBytes(StandardCharsets.UTF_8)), PARTITIONS))
          .isEqualTo(murmur2);
    }
    assertThat(HomePartition.of("o-9", 1)).isZero();
  }

  private record Folded(PartitionFold<InMemoryInventoryStore> fold, Recorder recorder) {}

  private static Folded fold(int partition, String key, Event event) {
    PartitionFold<InMemoryInventoryStore> fold = atStart(partition);
    Recorder r = new Recorder();
    fold.apply(0, key.getBytes(StandardCharsets.UTF_8), EventCodec.encode(event), r);
    return new Folded(fold, r);
  }

  private static PartitionFold<InMemoryInventoryStore> atStart() {
    return atStart(0);
  }

  private static PartitionFold<InMemoryInventoryStore> atStart(int partition) {
    return PartitionFold.inMemory(partition, PARTITIONS, Duration.ofDays(7), RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
  }

  /** Records what a fold reports; {@link #forward} is recorded and then handed to the default, an append. */
  private static final class Recorder implements ReplayListener {
    final List<String> deadLetters = new ArrayList<>();
    final List<String> decided = new ArrayList<>();
    final List<String> forwarded = new ArrayList<>();
    final List<Decision> outcomes = new ArrayList<>();
    final List<OrderOutcome> orders = new ArrayList<>();
    final List<Event> appended = new ArrayList<>();

    @Override
    public void outcome(Position at, Outcome outcome) {
      outcomes.add(outcome.decision());
    }

    @Override
    public void order(Position at, OrderOutcome outcome) {
      orders.add(outcome);
    }

    @Override
    public void event(Position at, Event event) {
      decided.add(event.eventId());
    }

    @Override
    public void forward(Position at, Event event, int home) {
      forwarded.add(event.eventId() + " from " + at.partition() + " to " + home);
      ReplayListener.super.forward(at, event, home);
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
