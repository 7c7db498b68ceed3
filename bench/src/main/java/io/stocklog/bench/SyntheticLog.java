package io.stocklog.bench;

import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A large, realistic-looking log for throughput measurements, already encoded: receipts, reservation requests
 * (some short holds), confirms, cancels and a tick now and then, over many SKUs, time moving forward.
 */
final class SyntheticLog {

  /** One record as the producer wrote it. */
  record Encoded(byte[] key, byte[] value) {}

  private SyntheticLog() {}

  static List<Encoded> records(int count, int skus, long seed) {
    Random random = new Random(seed);
    List<Encoded> out = new ArrayList<>(count);
    long t = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    int[] orders = new int[skus];
    for (int i = 0; i < count; i++) {
      t += random.nextInt(5);
      Instant at = Instant.ofEpochMilli(t);
      int s = random.nextInt(skus);
      String sku = "sku-" + s;
      int k = random.nextInt(100);
      Event e;
      if (k < 10 || orders[s] == 0) {
        e = Events.received(sku, "r-" + i, 20 + random.nextInt(50), at);
        orders[s] = Math.max(orders[s], 1);
      } else if (k < 60) {
        e = Events.requested(sku, "o-" + s + "-" + orders[s]++, 1 + random.nextInt(3),
            random.nextInt(4) == 0 ? 2 : 600, at);
      } else if (k < 80) {
        e = Events.confirmed(sku, "o-" + s + "-" + random.nextInt(orders[s]), at);
      } else if (k < 95) {
        e = Events.cancelled(sku, "o-" + s + "-" + random.nextInt(orders[s]), at);
      } else {
        e = Events.tick(at);
      }
      byte[] key = e instanceof SkuEvent se ? se.sku().getBytes(StandardCharsets.UTF_8) : null;
      out.add(new Encoded(key, EventCodec.encode(e)));
    }
    return out;
  }
}
