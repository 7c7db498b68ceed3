package io.stocklog.projector;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random event histories from a seeded {@link Random}: few SKUs and order IDs so that repeats, confirms
 * before requests, confirms after expiry and adjustments that do not fit all happen; log time mostly moves
 * forward by up to a few seconds, sometimes back a little, sometimes jumps past many deadlines; some steps
 * redeliver an earlier event byte for byte; some are ticks.
 */
final class RandomHistory {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private RandomHistory() {}

  static List<Event> events(Random random, int length) {
    List<Event> events = new ArrayList<>(length);
    long t = T0.toEpochMilli();
    for (int i = 0; i < length; i++) {
      int jump = random.nextInt(10);
      t += jump < 8 ? random.nextInt(3_000) : jump == 8 ? -random.nextInt(2_000) : 10_000 + random.nextInt(30_000);
      Instant at = Instant.ofEpochMilli(t);
      String sku = "sku-" + random.nextInt(4);
      String order = "o-" + random.nextInt(8);
      int quantity = 1 + random.nextInt(6);
      int hold = 1 + random.nextInt(20);
      int k = random.nextInt(100);
      Event e;
      if (k < 12) {
        e = Events.received(sku, "r-" + random.nextInt(6), quantity * 2L, at);
      } else if (k < 20) {
        e = Events.adjusted(sku, "a-" + random.nextInt(6), random.nextBoolean() ? quantity : -quantity,
            random.nextInt(3) == 0 ? "audit" : "damaged", at);
      } else if (k < 50) {
        e = Events.requested(sku, order, quantity, hold, at);
      } else if (k < 62) {
        e = Events.confirmed(sku, order, at);
      } else if (k < 72) {
        e = Events.cancelled(sku, order, at);
      } else if (k < 80) {
        e = Events.extended(sku, order, hold, at);
      } else if (k < 88 || events.isEmpty()) {
        e = Events.tick(at);
      } else {
        e = events.get(random.nextInt(events.size()));
      }
      events.add(e);
    }
    return events;
  }
}
