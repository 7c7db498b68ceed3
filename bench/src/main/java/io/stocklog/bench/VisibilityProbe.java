package io.stocklog.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the time from a decision being known to the client until the query service shows it: for a
 * sample of held reservations it asks {@code GET /skus/{sku}/reservations/{orderId}?minPosition=&wait=5},
 * which answers as soon as the read model has caught up with the decision's position. A few probes at a
 * time, so measuring does not become the load.
 */
final class VisibilityProbe {

  private final String queryUrl;
  private final int every;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore inFlight = new Semaphore(16);
  private final AtomicLong seen = new AtomicLong();
  private Percentiles samples = new Percentiles();

  VisibilityProbe(String queryUrl, int every) {
    this.queryUrl = queryUrl;
    this.every = every;
  }

  void maybeProbe(String sku, String orderId, String position, long knownAt) {
    if (seen.incrementAndGet() % every != 0 || !inFlight.tryAcquire()) {
      return;
    }
    Percentiles target = samples;
    HttpRequest request = HttpRequest.newBuilder(URI.create(queryUrl + "/skus/" + sku + "/reservations/" + orderId
        + "?minPosition=" + position + "&wait=5")).timeout(Duration.ofSeconds(10)).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      if (e == null && r.statusCode() == 200 && !"true".equals(r.headers().firstValue("X-Read-Model-Behind").orElse("false"))) {
        target.add(Math.max(0, System.nanoTime() - knownAt));
      }
      inFlight.release();
    });
  }

  /** The samples so far, after the probes in flight answer; starts a fresh set. */
  Percentiles.Summary drain() throws InterruptedException {
    inFlight.acquire(16);
    inFlight.release(16);
    Percentiles done = samples;
    samples = new Percentiles();
    seen.set(0);
    return done.summary();
  }
}
