package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.ReservationRequested;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The brief's invariants, checked over random histories with many SKUs, repeats and expiries. */
class InventoryProperties {

  @Provide
  Arbitrary<List<Event>> histories() {
    return EventHistories.histories(120);
  }

  @Property(tries = 1000)
  void invariantsHoldAfterEveryStep(@ForAll("histories") List<Event> history) {
    InMemoryInventoryStore store = new InMemoryInventoryStore();
    Inventory inventory = new Inventory(store);
    for (Event e : history) {
      inventory.apply(e);
      checkInvariants(store);
    }
  }

  @Property(tries = 1000)
  void decisionsMatchTheObviousImplementation(@ForAll("histories") List<Event> history) {
    Inventory inventory = new Inventory(new InMemoryInventoryStore());
    ReferenceLedger reference = new ReferenceLedger();
    for (Event e : history) {
      List<ReferenceLedger.Decided> actual = inventory.apply(e).stream()
          .map(o -> new ReferenceLedger.Decided(o.sku(), o.subjectId(), o.decision(), o.reason(), o.duplicate()))
          .toList();
      assertThat(actual).as("decisions for %s", e).isEqualTo(reference.apply(e));
    }
  }

  @Property(tries = 1000)
  void aRequestIsHeldExactlyWhenAvailableStockCoveredIt(@ForAll("histories") List<Event> history) {
    InMemoryInventoryStore store = new InMemoryInventoryStore();
    Inventory inventory = new Inventory(store);
    for (Event e : history) {
      if (!(e instanceof ReservationRequested request)
          || store.reservation(request.sku(), request.orderId()) != null) {
        inventory.apply(e);
        continue;
      }
      StockLevel before = store.stock(request.sku());
      List<Outcome> outcomes = inventory.apply(e);
      // Holds that ran out at this point in the log free their units before the request is decided.
      long freed = outcomes.stream()
          .filter(o -> o.decision() == Decision.EXPIRED && o.sku().equals(request.sku()))
          .mapToLong(Outcome::quantity).sum();
      long available = (before == null ? 0 : before.available()) + freed;
      Outcome decided = outcomes.getLast();
      assertThat(decided.decision())
          .as("request for %d with %d available", request.quantity(), available)
          .isEqualTo(available >= request.quantity() ? Decision.HELD : Decision.REJECTED);
    }
  }

  /**
   * A request for a SKU that never had stock is rejected UNKNOWN_SKU and leaves the SKU without counters, and
   * no refused request (nor a repeat of it, nor a confirm, cancel or extend of it) carries a deadline: it never
   * held anything. Other rejections that name a reservation that did hold keep its deadline.
   */
  @Property(tries = 1000)
  void aSkuThatNeverHadStockIsUnknownAndARejectedRequestHasNoDeadline(@ForAll("histories") List<Event> history) {
    InMemoryInventoryStore store = new InMemoryInventoryStore();
    Inventory inventory = new Inventory(store);
    for (Event e : history) {
      boolean neverStocked = e instanceof ReservationRequested r && store.stock(r.sku()) == null
          && store.reservation(r.sku(), r.orderId()) == null;
      List<Outcome> outcomes = inventory.apply(e);
      for (Outcome o : outcomes) {
        if (o.decision() == Decision.REJECTED && (o.reason() == Reason.OUT_OF_STOCK
            || o.reason() == Reason.UNKNOWN_SKU || o.reason() == Reason.NOT_HELD)) {
          assertThat(o.expiresAt()).as("deadline of %s", o).isNull();
        }
      }
      if (neverStocked) {
        ReservationRequested r = (ReservationRequested) e;
        assertThat(outcomes.getLast().reason()).as("%s", outcomes.getLast()).isEqualTo(Reason.UNKNOWN_SKU);
        assertThat(store.stock(r.sku())).as("counters of %s after the rejection", r.sku()).isNull();
      }
    }
  }

  @Property(tries = 1000)
  void foldingTheSameHistoryTwiceGivesIdenticalStatesAndOutcomes(@ForAll("histories") List<Event> history) {
    InMemoryInventoryStore first = new InMemoryInventoryStore();
    InMemoryInventoryStore second = new InMemoryInventoryStore();
    List<Outcome> a = foldAll(new Inventory(first), history);
    List<Outcome> b = foldAll(new Inventory(second), history);
    assertThat(b).isEqualTo(a);
    assertThat(snapshot(second)).isEqualTo(snapshot(first));
  }

  @Property(tries = 1000)
  void aRepeatOfAnyEventInsertedLaterChangesNoState(
      @ForAll("historyWithRepeat") HistoryWithRepeat h) {
    InMemoryInventoryStore plain = new InMemoryInventoryStore();
    InMemoryInventoryStore repeated = new InMemoryInventoryStore();
    Inventory withoutRepeat = new Inventory(plain);
    Inventory withRepeat = new Inventory(repeated);
    List<Event> history = h.history();
    for (int i = 0; i < history.size(); i++) {
      if (i == h.insertAt()) {
        Map<String, Object> before = snapshot(repeated);
        List<Outcome> outcomes = withRepeat.apply(history.get(h.original()));
        assertThat(snapshot(repeated)).as("state after repeating event %d", h.original()).isEqualTo(before);
        assertThat(outcomes).as("a repeat decides only itself: no clock movement, no expiries")
            .hasSize(history.get(h.original()) instanceof io.stocklog.events.ClockTick ? 0 : 1);
      }
      withoutRepeat.apply(history.get(i));
      withRepeat.apply(history.get(i));
      assertThat(snapshot(repeated)).isEqualTo(snapshot(plain));
    }
  }

  record HistoryWithRepeat(List<Event> history, int original, int insertAt) {}

  @Provide
  Arbitrary<HistoryWithRepeat> historyWithRepeat() {
    return EventHistories.histories(80).filter(h -> h.size() >= 2).flatMap(h ->
        Arbitraries.integers().between(0, h.size() - 2).flatMap(original ->
            Arbitraries.integers().between(original + 1, h.size() - 1)
                .map(insertAt -> new HistoryWithRepeat(h, original, insertAt))));
  }

  private static List<Outcome> foldAll(Inventory inventory, List<Event> history) {
    List<Outcome> all = new ArrayList<>();
    history.forEach(e -> all.addAll(inventory.apply(e)));
    return all;
  }

  private static Map<String, Object> snapshot(InMemoryInventoryStore store) {
    return Map.of(
        "clock", store.clock(),
        "stock", store.stockLevels(),
        "reservations", new HashSet<>(store.reservations()),
        "timers", store.timers());
  }

  static void checkInvariants(InMemoryInventoryStore store) {
    Map<String, Long> live = new HashMap<>();
    Set<Timer> expiries = new HashSet<>();
    for (Reservation r : store.reservations()) {
      if (r.status().live()) {
        live.merge(r.sku(), r.quantity(), Long::sum);
        expiries.add(new Timer(r.expiresAt(), Timer.Kind.EXPIRE, r.sku(), r.orderId()));
      }
    }
    for (StockLevel s : store.stockLevels().values()) {
      assertThat(s.reserved()).as("reserved of %s", s.sku()).isBetween(0L, s.onHand());
      assertThat(s.available()).as("available of %s", s.sku()).isNotNegative();
      assertThat(s.reserved()).as("reserved of %s equals its live reservations", s.sku())
          .isEqualTo(live.getOrDefault(s.sku(), 0L));
    }
    assertThat(store.timers().stream().filter(t -> t.kind() == Timer.Kind.EXPIRE).toList())
        .as("the deadline index holds exactly the live reservations")
        .containsExactlyInAnyOrderElementsOf(expiries);
    assertThat(store.timers()).allSatisfy(t -> assertThat(t.at()).isGreaterThan(
        t.kind() == Timer.Kind.EXPIRE ? store.clock() : Long.MIN_VALUE));
  }
}
