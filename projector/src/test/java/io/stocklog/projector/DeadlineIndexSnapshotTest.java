package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.Inventory;
import io.stocklog.inventory.Timer;
import io.stocklog.verify.HomePartition;
import io.stocklog.verify.PartitionFold;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deadline index saved by a closing follower and taken by the decider opened on the same state: what is taken is
 * what was saved, once; a damaged file is ignored; and a store that adopts the saved index of its stores decides the
 * same deadlines as one that builds its index from them.
 */
class DeadlineIndexSnapshotTest {

  private static final Duration RETENTION = Inventory.DEFAULT_RETENTION;

  @Test
  void whatIsTakenIsWhatWasSavedAndOnlyOnce(@TempDir Path dir) {
    NavigableSet<Timer> timers = new TreeSet<>(List.of(
        new Timer(5, Timer.Kind.EXPIRE, "sku-é", "o-1"),
        new Timer(5, Timer.Kind.FORGET_RESERVATION, "sku-a", "o-2"),
        new Timer(Long.MAX_VALUE, Timer.Kind.FORGET_EVENT, "sku-a", "evt-\t1")));
    DeadlineIndexSnapshot.write(dir, 1234, timers);

    DeadlineIndexSnapshot.Saved saved = DeadlineIndexSnapshot.take(dir).orElseThrow();
    assertThat(saved.nextOffset()).isEqualTo(1234);
    assertThat(saved.timers()).containsExactlyElementsOf(timers);
    assertThat(DeadlineIndexSnapshot.take(dir)).as("read once: reading deletes it").isEmpty();
    assertThat(dir.resolve(DeadlineIndexSnapshot.FILE)).doesNotExist();
  }

  @Test
  void readAheadIsWhatTheTaskTakesAndANewerSaveReplacesAnUntakenOne(@TempDir Path app) throws Exception {
    Path task = Files.createDirectories(app.resolve("0_1"));
    DeadlineIndexSnapshot.write(task, 10, new TreeSet<>(List.of(new Timer(1, Timer.Kind.EXPIRE, "s", "old"))));
    DeadlineIndexSnapshot.readAhead(app);
    // A handoff that did not happen: nobody took it; the next follower saves a newer one.
    NavigableSet<Timer> newer = new TreeSet<>(List.of(new Timer(2, Timer.Kind.EXPIRE, "s", "new")));
    org.awaitility.Awaitility.await().until(() -> !Files.exists(task.resolve(DeadlineIndexSnapshot.FILE)));
    DeadlineIndexSnapshot.write(task, 20, newer);
    DeadlineIndexSnapshot.readAhead(app);

    DeadlineIndexSnapshot.Saved taken = DeadlineIndexSnapshot.take(task).orElseThrow();
    assertThat(taken.nextOffset()).isEqualTo(20);
    assertThat(taken.timers()).containsExactlyElementsOf(newer);
    assertThat(DeadlineIndexSnapshot.take(task)).isEmpty();
  }

  @Test
  void aDamagedFileIsIgnoredAndRemoved(@TempDir Path dir) throws Exception {
    DeadlineIndexSnapshot.write(dir, 7, new TreeSet<>(List.of(new Timer(1, Timer.Kind.EXPIRE, "s", "o"))));
    Path file = dir.resolve(DeadlineIndexSnapshot.FILE);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThat(DeadlineIndexSnapshot.take(dir)).isEmpty();
    assertThat(file).doesNotExist();
    Files.writeString(file, "not an index", StandardCharsets.UTF_8);
    assertThat(DeadlineIndexSnapshot.take(dir)).isEmpty();
  }

  @Test
  void aStoreThatAdoptsTheSavedIndexDecidesTheSameDeadlinesAsOneThatScans(@TempDir Path dir) {
    // One partition's state, folded by the projector's own fold: holds that expire, confirmed and cancelled ones
    // (forgotten after the retention), and a confirm of a hold never placed (an unmatched event, remembered).
    Stores state = new Stores();
    PartitionFold<KeyValueInventoryStore> fold = new PartitionFold<>(0, 1, state.inventory(), state.orders(),
        RETENTION, 1 << 20);
    Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
    List<SkuEvent> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String sku = "sku-" + (i % 4);
      events.add(Events.received(sku, "r-" + i, 5, t0.plusSeconds(i)));
      events.add(Events.requested(sku, "o-" + i, 1, 30 + i, t0.plusSeconds(i)));
      if (i % 3 == 0) {
        events.add(Events.confirmed(sku, "o-" + i, t0.plusSeconds(i + 1)));
      } else if (i % 3 == 1) {
        events.add(Events.cancelled(sku, "o-" + i, t0.plusSeconds(i + 1)));
      }
    }
    events.add(Events.confirmed("sku-1", "never-held", t0.plusSeconds(50)));
    long offset = 0;
    for (Event e : events) {
      fold.apply(offset++, ((SkuEvent) e).sku().getBytes(StandardCharsets.UTF_8), EventCodec.encode(e), (at, o) -> { });
    }
    assertThat(HomePartition.of("sku-1", 1)).isZero();
    NavigableSet<Timer> built = state.inventory().indexIfBuilt();
    assertThat(built).as("the fold used the index").isNotNull();
    assertThat(built.stream().map(Timer::kind).distinct()).contains(Timer.Kind.EXPIRE, Timer.Kind.FORGET_RESERVATION,
        Timer.Kind.FORGET_EVENT);
    DeadlineIndexSnapshot.write(dir, offset, built);

    KeyValueInventoryStore adopting = state.reopened();
    adopting.adoptIndex(DeadlineIndexSnapshot.take(dir).orElseThrow().timers());
    KeyValueInventoryStore scanning = state.reopened();
    assertThat(adopting.earliestExpiry()).isEqualTo(scanning.earliestExpiry()).isNotNull();
    assertThat(adopting.due(Long.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(scanning.due(Long.MAX_VALUE,
        Integer.MAX_VALUE));
    assertThat(adopting.timerCount()).isEqualTo(scanning.timerCount()).isEqualTo(built.size());
  }

  /** One partition's stores over maps, as a rebuild's in-memory fold keeps them; reopened as a new task would. */
  private static final class Stores {
    private final List<MapKeyValueStore<Bytes, byte[]>> maps = new ArrayList<>();
    private final KeyValueInventoryStore inventory;
    private final KeyValueOrderStore orders;

    Stores() {
      for (String name : KeyValueInventoryStore.storeNames()) {
        maps.add(new MapKeyValueStore<>(name));
      }
      inventory = reopened();
      orders = new KeyValueOrderStore(maps.get(4), RETENTION);
    }

    KeyValueInventoryStore inventory() {
      return inventory;
    }

    KeyValueOrderStore orders() {
      return orders;
    }

    KeyValueInventoryStore reopened() {
      return new KeyValueInventoryStore(maps.get(0), maps.get(1), maps.get(2), maps.get(3), RETENTION);
    }
  }
}
