package io.stocklog.verify;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * A seeded history over many SKUs exercising every rule: receipts; adjustments that fit and that do not;
 * reservations held and refused for stock, short (2 s) and long (1 h); confirms, cancels and extends, some of
 * them after the hold ran out; receipts and requests repeated with the same body (duplicates) and with another
 * (ID conflicts); confirms of unknown orders; events redelivered byte for byte (same event ID); ticks on every
 * partition; three poison records (not JSON, a SKU event under another SKU's key, a record over 64 KiB).
 *
 * <p>Log time starts in 2100, far ahead of the wall clock, so the projector's own ticks (wall-clock time) never
 * move a partition's clock: every expiry is decided by this history's events and ticks alone, and the read
 * model stops changing once the history is decided. The last records are a tick 30 s after the last event on
 * every partition, which expires every short hold still held.
 */
final class GeneratedHistory {

  static final Instant T0 = Instant.parse("2100-01-01T00:00:00Z");

  /** One record to append: a key (null for ticks), an explicit partition (ticks) or null, the value. */
  record Item(byte[] key, Integer partition, byte[] value) {}

  final List<Item> items = new ArrayList<>();
  /** Event IDs appended exactly once, of records the projector decides. */
  final Set<String> uniqueEventIds = new LinkedHashSet<>();
  /** Event IDs appended twice (redeliveries). */
  final Set<String> redeliveredEventIds = new LinkedHashSet<>();
  /** The event ID of the SKU event appended under another SKU's key (dead-lettered). */
  String wrongKeyEventId;
  final List<String> skus = new ArrayList<>();

  private GeneratedHistory() {}

  static GeneratedHistory of(int skuCount, int partitions, long seed) {
    GeneratedHistory h = new GeneratedHistory();
    h.generate(skuCount, partitions, new Random(seed));
    return h;
  }

  private void generate(int skuCount, int partitions, Random random) {
    List<List<LongFunction<Event>>> scripts = new ArrayList<>();
    for (int s = 0; s < skuCount; s++) {
      String sku = String.format("sku-%03d", s);
      skus.add(sku);
      scripts.add(script(sku, random));
    }
    List<Integer> open = new ArrayList<>();
    for (int s = 0; s < skuCount; s++) {
      open.add(s);
    }
    int[] next = new int[skuCount];
    long t = T0.toEpochMilli();
    List<Event> appended = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int step = 0;
    while (!open.isEmpty()) {
      t += 40;
      int pick = random.nextInt(open.size());
      int s = open.get(pick);
      Event e = scripts.get(s).get(next[s]++).apply(t);
      if (next[s] == scripts.get(s).size()) {
        open.remove(pick);
      }
      append(e, appended, seen);
      if (++step % 300 == 0) {
        ticks(partitions, t);
      }
      // Now and then a redelivery: an earlier event again, byte for byte.
      if (step % 97 == 0) {
        Event again = appended.get(random.nextInt(appended.size()));
        if (again instanceof SkuEvent && uniqueEventIds.contains(again.eventId())) {
          append(again, appended, seen);
        }
      }
      if (step == 50) {
        poison(random);
      }
    }
    ticks(partitions, t + 30_000);
  }

  /** One SKU's events in order; each takes the log time it is appended at. */
  private static List<LongFunction<Event>> script(String sku, Random random) {
    List<LongFunction<Event>> steps = new ArrayList<>();
    long received = 5 + random.nextInt(16);
    String receipt = "r-" + sku + "-1";
    steps.add(at -> Events.received(sku, receipt, received, Instant.ofEpochMilli(at)));
    if (random.nextInt(3) == 0) {
      steps.add(at -> Events.adjusted(sku, "a-" + sku + "-1", -1, "damaged", Instant.ofEpochMilli(at)));
    }
    if (random.nextInt(4) == 0) {
      // Would make available negative: rejected.
      steps.add(at -> Events.adjusted(sku, "a-" + sku + "-2", -1_000, "audit", Instant.ofEpochMilli(at)));
    }
    int orders = 3 + random.nextInt(6);
    List<LongFunction<Event>> followUps = new ArrayList<>();
    int firstQuantity = 1 + random.nextInt(4);
    boolean firstShort = random.nextInt(10) < 3;
    for (int o = 0; o < orders; o++) {
      String order = "o-" + sku + "-" + o;
      int quantity = o == 0 ? firstQuantity : 1 + random.nextInt(4);
      boolean shortHold = o == 0 ? firstShort : random.nextInt(10) < 3;
      steps.add(at -> Events.requested(sku, order, quantity, shortHold ? 2 : 3_600, Instant.ofEpochMilli(at)));
      int k = random.nextInt(100);
      if (k < 30) {
        followUps.add(at -> Events.confirmed(sku, order, Instant.ofEpochMilli(at)));
      } else if (k < 50) {
        followUps.add(at -> Events.cancelled(sku, order, Instant.ofEpochMilli(at)));
      } else if (k < 65) {
        followUps.add(at -> Events.extended(sku, order, 7_200, Instant.ofEpochMilli(at)));
      }
    }
    if (random.nextInt(3) == 0) {
      // More than there is: refused for stock.
      steps.add(at -> Events.requested(sku, "o-" + sku + "-big", 1_000, 600, Instant.ofEpochMilli(at)));
    }
    // Interleave the follow-ups with what remains, then the repeats.
    java.util.Collections.shuffle(followUps, random);
    steps.addAll(followUps);
    if (random.nextBoolean()) {
      steps.add(at -> Events.received(sku, receipt, received, Instant.ofEpochMilli(at))); // duplicate
    }
    if (random.nextInt(4) == 0) {
      steps.add(at -> Events.received(sku, receipt, received + 1, Instant.ofEpochMilli(at))); // ID conflict
    }
    String first = "o-" + sku + "-0";
    if (random.nextInt(3) == 0) {
      // The same request again with a new event ID: a duplicate, answered with the first decision.
      steps.add(at -> Events.requested(sku, first, firstQuantity, firstShort ? 2 : 3_600, Instant.ofEpochMilli(at)));
    }
    if (random.nextInt(3) == 0) {
      steps.add(at -> Events.requested(sku, first, 99, 3_600, Instant.ofEpochMilli(at))); // ID conflict
    }
    if (random.nextInt(5) == 0) {
      steps.add(at -> Events.confirmed(sku, "o-" + sku + "-unknown", Instant.ofEpochMilli(at)));
    }
    if (random.nextInt(3) == 0) {
      steps.add(at -> Events.received(sku, "r-" + sku + "-2", 1 + random.nextInt(5), Instant.ofEpochMilli(at)));
    }
    return steps;
  }

  private void append(Event e, List<Event> appended, Set<String> seen) {
    byte[] key = ((SkuEvent) e).sku().getBytes(StandardCharsets.UTF_8);
    items.add(new Item(key, null, EventCodec.encode(e)));
    appended.add(e);
    if (seen.add(e.eventId())) {
      uniqueEventIds.add(e.eventId());
    } else {
      uniqueEventIds.remove(e.eventId());
      redeliveredEventIds.add(e.eventId());
    }
  }

  private void ticks(int partitions, long at) {
    for (int p = 0; p < partitions; p++) {
      Event tick = Events.tick(Instant.ofEpochMilli(at));
      items.add(new Item(null, p, EventCodec.encode(tick)));
      uniqueEventIds.add(tick.eventId());
    }
  }

  private void poison(Random random) {
    items.add(new Item(skus.get(1).getBytes(StandardCharsets.UTF_8), null,
        "{\"type\":\"StockReceived\",".getBytes(StandardCharsets.UTF_8)));
    Event misplaced = Events.received(skus.get(2), "r-misplaced", 5, T0);
    items.add(new Item(skus.get(3).getBytes(StandardCharsets.UTF_8), null, EventCodec.encode(misplaced)));
    wrongKeyEventId = misplaced.eventId();
    byte[] huge = new byte[70 * 1024];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    items.add(new Item(skus.get(4).getBytes(StandardCharsets.UTF_8), null, huge));
    random.nextInt();
  }
}
