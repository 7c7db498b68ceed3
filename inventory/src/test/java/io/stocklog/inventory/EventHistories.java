package io.stocklog.inventory;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random event histories for property tests: a handful of SKUs and a small pool of order IDs, so that
 * collisions, repeats, confirms before requests, confirms after expiry and adjustments that do not fit all
 * happen often. Log time mostly moves forward by up to a few seconds, sometimes jumps past many deadlines,
 * and sometimes an event carries a slightly older time (another producer's clock), which the fold must
 * tolerate. Some steps repeat an earlier event exactly, as a redelivery would.
 */
final class EventHistories {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private EventHistories() {}

  /** One step's random choices; {@link #build} turns a list of them into events. */
  record Choice(int kind, int sku, int order, int quantity, int hold, int dtMillis, int pick) {}

  static Arbitrary<List<Event>> histories(int maxLength) {
    Arbitrary<Choice> choice = Combinators.combine(
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(1, 20),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 3_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-2_000, 0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(10_000, 40_000))),
            Arbitraries.integers().between(0, 1_000_000))
        .as(Choice::new);
    return choice.list().ofMinSize(1).ofMaxSize(maxLength).map(EventHistories::build);
  }

  static List<Event> build(List<Choice> choices) {
    List<Event> events = new ArrayList<>(choices.size());
    long t = T0.toEpochMilli();
    for (Choice c : choices) {
      t += c.dtMillis();
      Instant at = Instant.ofEpochMilli(t);
      String sku = "sku-" + c.sku();
      String order = "o-" + c.order();
      int k = c.kind();
      Event e;
      if (k < 12) {
        e = Events.received(sku, "r-" + (c.pick() % 6), c.quantity() * 2L, at);
      } else if (k < 20) {
        long delta = (c.pick() % 2 == 0 ? -1 : 1) * (long) c.quantity();
        e = Events.adjusted(sku, "a-" + (c.pick() % 6), delta, c.pick() % 3 == 0 ? "audit" : "damaged", at);
      } else if (k < 50) {
        e = Events.requested(sku, order, c.quantity(), c.hold(), at);
      } else if (k < 62) {
        e = Events.confirmed(sku, order, at);
      } else if (k < 72) {
        e = Events.cancelled(sku, order, at);
      } else if (k < 80) {
        e = Events.extended(sku, order, c.hold(), at);
      } else if (k < 85) {
        e = Events.tick(at);
      } else if (!events.isEmpty()) {
        e = events.get(c.pick() % events.size()); // a redelivery of an earlier event, byte for byte
      } else {
        e = Events.tick(at);
      }
      events.add(e);
    }
    return events;
  }
}
