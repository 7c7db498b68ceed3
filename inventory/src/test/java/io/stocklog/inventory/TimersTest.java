package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The deadline index a store may rebuild from its records ({@link Timers}) is, after every event, exactly the
 * index the fold maintains: a store that rebuilds it when a task starts decides as one that kept it.
 */
class TimersTest {

  /** Short enough that finished reservations and unmatched events are forgotten within a history. */
  private static final Duration RETENTION = Duration.ofSeconds(45);

  @Provide
  Arbitrary<List<Event>> histories() {
    return EventHistories.histories(150);
  }

  @Property(tries = 1000)
  void theIndexRebuiltFromTheRecordsIsTheIndexTheFoldKeeps(@ForAll("histories") List<Event> history) {
    InMemoryInventoryStore store = new InMemoryInventoryStore();
    Inventory inventory = new Inventory(store, RETENTION);
    for (Event e : history) {
      inventory.apply(e);
      assertThat(rebuilt(store)).as("after %s", e).isEqualTo(new TreeSet<>(store.timers()));
    }
  }

  private static Set<Timer> rebuilt(InMemoryInventoryStore store) {
    Set<Timer> timers = new TreeSet<>();
    store.reservations().forEach(r -> Timers.of(r, RETENTION).ifPresent(timers::add));
    store.appliedIds().forEach(a -> Timers.of(a, RETENTION).ifPresent(timers::add));
    return timers;
  }
}
