package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.inventory.Timer;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store over the topology's real (persistent, cached) stores, taken from a test driver. */
class KeyValueInventoryStoreTest {

  @TempDir
  Path stateDir;

  private TopologyFixture fixture;
  private KeyValueInventoryStore store;

  @BeforeEach
  void open() {
    fixture = new TopologyFixture(stateDir);
    store = fixture.store(Duration.ofDays(7));
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static final List<Timer> TIMERS = List.of(
      new Timer(Long.MIN_VALUE + 1, Timer.Kind.EXPIRE, "z", "o-1"),
      new Timer(-5_000, Timer.Kind.EXPIRE, "a", "o-1"),
      new Timer(-1, Timer.Kind.FORGET_EVENT, "a", "e-1"),
      new Timer(0, Timer.Kind.EXPIRE, "a", "o-1"),
      new Timer(0, Timer.Kind.EXPIRE, "a", "o-10"),
      new Timer(0, Timer.Kind.EXPIRE, "a", "o-2"),
      new Timer(0, Timer.Kind.FORGET_RESERVATION, "a", "o-1"),
      new Timer(0, Timer.Kind.FORGET_EVENT, "a", "e-1"),
      new Timer(0, Timer.Kind.EXPIRE, "a.", "o-1"),
      new Timer(0, Timer.Kind.EXPIRE, "a0", "o-1"),
      new Timer(0, Timer.Kind.EXPIRE, "aa", "o-1"),
      new Timer(0, Timer.Kind.EXPIRE, "b", "o-1"),
      new Timer(1, Timer.Kind.EXPIRE, "a", "o-1"),
      new Timer(255, Timer.Kind.EXPIRE, "a", "o-1"),
      new Timer(256, Timer.Kind.EXPIRE, "a", "o-1"),
      new Timer(1_795_000_000_000L, Timer.Kind.EXPIRE, "A", "o-1"),
      new Timer(Long.MAX_VALUE, Timer.Kind.EXPIRE, "a", "o-1"));

  @Test
  void theTimerListAboveIsInTimerOrder() {
    List<Timer> sorted = new ArrayList<>(TIMERS);
    Collections.sort(sorted);
    assertThat(TIMERS).containsExactlyElementsOf(sorted);
  }

  @Test
  void dueListsTimersInTimerOrderWhateverTheOrderTheyWereAdded() {
    List<Timer> shuffled = new ArrayList<>(TIMERS);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.forEach(store::add);

    assertThat(store.due(Long.MAX_VALUE, 1_000)).containsExactlyElementsOf(TIMERS);
  }

  @Test
  void dueStopsAtUpToInclusiveAcrossNegativeAndPositiveTimes() {
    TIMERS.forEach(store::add);

    assertThat(store.due(-5_001, 100)).containsExactly(TIMERS.get(0));
    assertThat(store.due(-1, 100)).containsExactlyElementsOf(TIMERS.subList(0, 3));
    assertThat(store.due(0, 100)).containsExactlyElementsOf(TIMERS.subList(0, 12));
    assertThat(store.due(255, 100)).containsExactlyElementsOf(TIMERS.subList(0, 14));
    assertThat(store.due(Long.MIN_VALUE, 100)).isEmpty();
  }

  @Test
  void dueReturnsAtMostMax() {
    TIMERS.forEach(store::add);

    assertThat(store.due(Long.MAX_VALUE, 2)).containsExactlyElementsOf(TIMERS.subList(0, 2));
    assertThat(store.due(0, 0)).isEmpty();
  }

  @Test
  void aRemovedTimerIsNoLongerDue() {
    TIMERS.forEach(store::add);
    store.remove(TIMERS.get(3));
    store.remove(new Timer(0, Timer.Kind.EXPIRE, "never", "added"));

    assertThat(store.due(0, 100)).hasSize(11).doesNotContain(TIMERS.get(3));
  }

  @Test
  void aTimerEarlierThanAnyKnownBecomesDue() {
    Timer late = new Timer(100, Timer.Kind.EXPIRE, "a", "o-1");
    Timer early = new Timer(10, Timer.Kind.EXPIRE, "b", "o-2");
    assertThat(store.due(50, 10)).isEmpty();
    store.add(late);
    assertThat(store.due(50, 10)).isEmpty();
    store.add(early);
    assertThat(store.due(50, 10)).containsExactly(early);
    assertThat(store.due(50, 10)).as("due until removed").containsExactly(early);
    store.remove(early);
    assertThat(store.due(50, 10)).isEmpty();
    assertThat(store.due(100, 10)).containsExactly(late);
  }

  @Test
  void aNewStoreOverTheSameStoresRebuildsTheDeadlineIndexFromTheRecords() {
    Duration retention = Duration.ofMinutes(5);
    Reservation held = new Reservation("a", "o-1", 3, 60, ReservationStatus.HELD, null, 60_000, 0);
    Reservation confirmed = new Reservation("a", "o-2", 1, 60, ReservationStatus.CONFIRMED, null, 60_000, 9_000);
    Reservation rejected = new Reservation("b", "o-1", 9, 60, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK,
        60_000, 4_000);
    AppliedId unmatched = new AppliedId("a", AppliedId.Kind.UNMATCHED_EVENT, "e-7", 0, "o-9", Decision.REJECTED,
        Reason.UNKNOWN_RESERVATION, 2_000);
    AppliedId receipt = new AppliedId("a", AppliedId.Kind.RECEIPT, "r-1", 10, null, Decision.RECEIVED, null, 0);
    List.of(held, confirmed, rejected).forEach(store::put);
    List.of(unmatched, receipt).forEach(store::put);
    store.clock(8_000);

    KeyValueInventoryStore restarted = fixture.store(retention);

    assertThat(restarted.due(Long.MAX_VALUE, 100)).containsExactly(
        new Timer(60_000, Timer.Kind.EXPIRE, "a", "o-1"),
        new Timer(2_000 + retention.toMillis(), Timer.Kind.FORGET_EVENT, "a", "e-7"),
        new Timer(4_000 + retention.toMillis(), Timer.Kind.FORGET_RESERVATION, "b", "o-1"),
        new Timer(9_000 + retention.toMillis(), Timer.Kind.FORGET_RESERVATION, "a", "o-2"));
    assertThat(restarted.clock()).isEqualTo(8_000);
    assertThat(restarted.earliestExpiry()).isEqualTo(new Timer(60_000, Timer.Kind.EXPIRE, "a", "o-1"));
  }

  @Test
  void stateWrittenInAnOlderLayoutIsRefusedByNameNotMisread() {
    KeyValueStore<Bytes, byte[]> reservations = fixture.driver.getKeyValueStore(KeyValueInventoryStore.RESERVATIONS);
    reservations.put(Bytes.wrap("o-1\u0000a".getBytes(StandardCharsets.UTF_8)),
        "{\"sku\":\"a\",\"orderId\":\"o-1\"}".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> fixture.store(Duration.ofDays(7)).due(Long.MAX_VALUE, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("o-1/a").hasMessageContaining("JSON").hasMessageContaining("operator rebuild");
  }

  @Test
  void theClockStartsAtMinValueAndKeepsWhatIsSet() {
    assertThat(store.clock()).isEqualTo(Long.MIN_VALUE);
    store.clock(-42);
    assertThat(store.clock()).isEqualTo(-42);
  }

  @Test
  void recordsArePutReadAndDeletedByTheirOwnKeys() {
    store.put(new StockLevel("a", 10, 3));
    store.put(new StockLevel("a0", 1, 0));
    Reservation held = new Reservation("a", "o-1", 3, 60, ReservationStatus.HELD, null, 60_000, 0);
    Reservation rejected = new Reservation("a", "o-2", 9, 60, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 60_000, 0);
    store.put(held);
    store.put(rejected);
    AppliedId receipt = new AppliedId("a", AppliedId.Kind.RECEIPT, "r-1", 10, null, Decision.RECEIVED, null, 0);
    store.put(receipt);

    assertThat(store.stock("a")).isEqualTo(new StockLevel("a", 10, 3));
    assertThat(store.stock("a0")).isEqualTo(new StockLevel("a0", 1, 0));
    assertThat(store.stock("b")).isNull();
    assertThat(store.reservation("a", "o-1")).isEqualTo(held);
    assertThat(store.reservation("a", "o-2")).isEqualTo(rejected);
    assertThat(store.applied("a", AppliedId.Kind.RECEIPT, "r-1")).isEqualTo(receipt);
    assertThat(store.applied("a", AppliedId.Kind.ADJUSTMENT, "r-1")).isNull();

    store.deleteReservation("a", "o-1");
    store.deleteApplied("a", AppliedId.Kind.RECEIPT, "r-1");
    assertThat(store.reservation("a", "o-1")).isNull();
    assertThat(store.reservation("a", "o-2")).isEqualTo(rejected);
    assertThat(store.applied("a", AppliedId.Kind.RECEIPT, "r-1")).isNull();
  }
}
