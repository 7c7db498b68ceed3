package io.stocklog.local.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of commands for the length of a fault: {@code workers} callers, each sending one command,
 * waiting for the answer, pausing, and again, until stopped. Three in four are reservations (one in eight of
 * those with a two-second hold, so expiries happen too), the rest receipts that keep stock coming, on a few
 * SKUs; every ID is new. Every answer goes to the {@link Ledger}.
 */
final class SteadyLoad implements AutoCloseable {

  private final CommandClient client;
  private final Ledger ledger;
  private final List<String> skus;
  private final int workers;
  private final Duration pause;
  private final Integer waitSeconds;
  private final String prefix;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  SteadyLoad(String prefix, CommandClient client, Ledger ledger, List<String> skus, int workers, Duration pause,
      Integer waitSeconds) {
    this.prefix = prefix;
    this.client = client;
    this.ledger = ledger;
    this.skus = skus;
    this.workers = workers;
    this.pause = pause;
    this.waitSeconds = waitSeconds;
  }

  SteadyLoad start() {
    running.set(true);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      threads.add(Thread.ofVirtual().name(prefix + "-load-" + w).start(() -> run(worker)));
    }
    return this;
  }

  private void run(int worker) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (long n = 0; running.get(); n++) {
      String sku = skus.get(random.nextInt(skus.size()));
      String id = prefix + "-" + worker + "-" + n;
      if (n % 4 == 0) {
        ledger.record(sku, "r-" + id, client.receipt(sku, "r-" + id, 1 + random.nextInt(5), waitSeconds));
      } else {
        int hold = random.nextInt(8) == 0 ? 2 : 600;
        ledger.record(sku, "o-" + id, client.reserve(sku, "o-" + id, 1 + random.nextInt(3), hold, waitSeconds));
      }
      sent.incrementAndGet();
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  long sent() {
    return sent.get();
  }

  /** Stops the callers and waits for their last answers. */
  @Override
  public void close() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
