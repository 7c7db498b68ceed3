package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Checks;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Deciding one event must not grow with the number of live reservations on its SKU. A flash sale leaves
 * 100,000 live holds on one hot SKU, and the 100,001st request must be decided as fast as the first."
 *
 * <p>Shown without timing assertions: every store call a decision makes is counted (reads, writes, timer
 * operations, {@code due} calls and the timers they returned), and the counts with 100,000 live holds
 * must equal the counts with none. Wall time is printed for information only.
 */
class DecisionCostTest {

  private static final String SKU = "hot-sku";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final long STOCK = 200_000;
  private static final int FLASH_SALE = 100_000;
  /** The longest hold there is (a day), so nothing expires while the test runs through the sale. */
  private static final int HOLD = Checks.MAX_HOLD_SECONDS;

  /** What deciding each kind of event cost the store, after some number of live holds. */
  record Costs(Map<String, Long> request, Map<String, Long> confirm, Map<String, Long> cancel,
      Map<String, Long> extend) {}

  @Test
  void decidingAnEventMakesTheSameStoreCallsWithAHundredThousandLiveHoldsAsWithNone() {
    Costs first = costsAfter(0);
    Costs late = costsAfter(FLASH_SALE);

    assertThat(first.request()).as("the first request reads its reservation and asks what is due")
        .containsKeys("reservation", "due", "put(reservation)", "add(timer)");
    assertThat(late.request()).as("request #%d vs request #1", FLASH_SALE + 1).isEqualTo(first.request());
    assertThat(late.confirm()).as("confirm with %d live holds vs with none", FLASH_SALE).isEqualTo(first.confirm());
    assertThat(late.cancel()).as("cancel with %d live holds vs with none", FLASH_SALE).isEqualTo(first.cancel());
    assertThat(late.extend()).as("extend with %d live holds vs with none", FLASH_SALE).isEqualTo(first.extend());
  }

  @Test
  void theCountingStoreSeesTheTimersThatDueReturns() {
    CountingInventoryStore store = new CountingInventoryStore(new InMemoryInventoryStore());
    Inventory inventory = new Inventory(store);
    inventory.apply(Events.received(SKU, "r-1", 10, T0));
    for (int i = 0; i < 3; i++) {
      inventory.apply(Events.requested(SKU, "o-" + i, 1, 60, T0));
    }

    var tick = store.measure(() -> inventory.apply(Events.tick(T0.plusSeconds(60))));

    assertThat(tick.result()).extracting(Outcome::decision).containsOnly(Decision.EXPIRED).hasSize(3);
    assertThat(tick.calls()).containsEntry("due", 1L).containsEntry(CountingInventoryStore.DUE_TIMERS, 3L)
        .containsEntry("remove(timer)", 3L);
  }

  @Test
  void requestsAreStillHeldAfterAHundredThousandHoldsWhileTheirTimeIsPrinted() {
    warmUp();
    Inventory inventory = new Inventory(new InMemoryInventoryStore());
    Clock log = new Clock();
    inventory.apply(Events.received(SKU, "r-1", STOCK, log.next()));

    double atStart = nanosPerRequest(inventory, requests(log, 0, 10_000));
    placeHolds(inventory, log, 10_000, FLASH_SALE);
    double afterSale = nanosPerRequest(inventory, requests(log, FLASH_SALE, 10_000));

    System.out.printf("DecisionCostTest: %.0f ns per request for the first 10,000; %.0f ns per request after"
        + " %,d live holds (wall time, information only)%n", atStart, afterSale, FLASH_SALE);
  }

  // --- helpers

  /** Places {@code liveHolds} holds on the hot SKU, then measures one request, confirm, cancel and extend. */
  private static Costs costsAfter(int liveHolds) {
    CountingInventoryStore store = new CountingInventoryStore(new InMemoryInventoryStore());
    Inventory inventory = new Inventory(store);
    Clock log = new Clock();
    inventory.apply(Events.received(SKU, "r-1", STOCK, log.next()));
    placeHolds(inventory, log, 0, liveHolds);

    int n = liveHolds;
    Map<String, Long> request = decided(store, inventory, Events.requested(SKU, "o-" + n, 1, HOLD, log.next()),
        Decision.HELD, liveHolds + 1);
    Map<String, Long> confirm = decided(store, inventory, Events.confirmed(SKU, "o-" + n, log.next()),
        Decision.CONFIRMED, liveHolds);
    inventory.apply(Events.requested(SKU, "o-" + (n + 1), 1, HOLD, log.next()));
    Map<String, Long> cancel = decided(store, inventory, Events.cancelled(SKU, "o-" + (n + 1), log.next()),
        Decision.CANCELLED, liveHolds);
    inventory.apply(Events.requested(SKU, "o-" + (n + 2), 1, HOLD, log.next()));
    Map<String, Long> extend = decided(store, inventory, Events.extended(SKU, "o-" + (n + 2), HOLD, log.next()),
        Decision.EXTENDED, liveHolds + 1);
    return new Costs(request, confirm, cancel, extend);
  }

  /** Decides one event, checks it was decided as expected with {@code reservedAfter} units held, returns its calls. */
  private static Map<String, Long> decided(CountingInventoryStore store, Inventory inventory, Event event,
      Decision expected, long reservedAfter) {
    var measured = store.measure(() -> inventory.apply(event));
    assertThat(measured.result()).singleElement().satisfies(o -> {
      assertThat(o.decision()).as("decision of %s", event).isEqualTo(expected);
      assertThat(o.reserved()).as("units held after %s", event).isEqualTo(reservedAfter);
    });
    return measured.calls();
  }

  private static void placeHolds(Inventory inventory, Clock log, int from, int to) {
    for (int i = from; i < to; i++) {
      Outcome o = inventory.apply(Events.requested(SKU, "o-" + i, 1, HOLD, log.next())).getLast();
      if (o.decision() != Decision.HELD) {
        throw new AssertionError("request " + i + " was not held: " + o);
      }
    }
  }

  private static List<Event> requests(Clock log, int from, int count) {
    List<Event> events = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      events.add(Events.requested(SKU, "o-" + i, 1, HOLD, log.next()));
    }
    return events;
  }

  /** Decides the requests, checks each was held, and returns the average wall time per decision. */
  private static double nanosPerRequest(Inventory inventory, List<Event> requests) {
    List<Outcome> last = new ArrayList<>(requests.size());
    long start = System.nanoTime();
    for (Event e : requests) {
      last.add(inventory.apply(e).getLast());
    }
    long elapsed = System.nanoTime() - start;
    assertThat(last).extracting(Outcome::decision).containsOnly(Decision.HELD);
    return (double) elapsed / requests.size();
  }

  /** Lets the JIT compile the decision path first, so the first timed batch is not mostly interpretation. */
  private static void warmUp() {
    Inventory inventory = new Inventory(new InMemoryInventoryStore());
    Clock log = new Clock();
    inventory.apply(Events.received("warm-up", "r-1", STOCK, log.next()));
    for (int i = 0; i < 20_000; i++) {
      inventory.apply(Events.requested("warm-up", "o-" + i, 1, HOLD, log.next()));
    }
  }

  /** Log time moving on by a millisecond per event, as a busy partition's would. */
  private static final class Clock {
    private long millis = T0.toEpochMilli();

    Instant next() {
      return Instant.ofEpochMilli(millis++);
    }
  }
}
