package io.stocklog.query;

import io.javalin.http.Context;
import io.stocklog.http.Problem;
import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.SkuRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /skus/{sku}/stream}: one SKU's stock as Server-Sent Events. The current view at once, then one event
 * per change the read model shows, each the JSON of {@code GET /skus/{sku}} with the row's position as its
 * {@code id}; a comment line every heartbeat so proxies keep the connection.
 *
 * <p>The stream subscribes to the {@link StockFeed} before it looks up the current view, so a change that lands
 * between the two is queued, not lost; events at or before the position already sent are skipped. With
 * {@code Last-Event-ID} (the position of the last event a client got) the current view is sent only if it is
 * newer, so a reconnect resumes exactly: the read model keeps each SKU's latest row, so what was missed is
 * summed up in that one view. The current view comes from the {@link SkuViews} when the watcher knows it, else
 * from one read; the changes come from the feed, never from a query of this stream's own.
 *
 * <p>Limits: at most {@code maxStreams} open per instance (past it a {@code 503} with {@code Retry-After}); one
 * SKU per stream; a stream whose reader falls {@value StockFeed#QUEUE} changes behind is ended, and a reader that
 * stops reading altogether blocks only its own virtual thread until Jetty's idle timeout fails the write.
 */
final class StockStream {

  private static final Logger log = LoggerFactory.getLogger(StockStream.class);
  static final String RETRY_AFTER_SECONDS = "5";
  private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final StockFeed feed;
  private final SkuViews views;
  private final StockReader reader;
  private final Semaphore permits;
  private final int maxStreams;
  private final Duration heartbeat;
  private final AtomicLong dropped = new AtomicLong();

  StockStream(StockFeed feed, SkuViews views, StockReader reader, int maxStreams, Duration heartbeat) {
    this.feed = feed;
    this.views = views;
    this.reader = reader;
    this.maxStreams = maxStreams;
    this.permits = new Semaphore(maxStreams);
    this.heartbeat = heartbeat;
  }

  /** Streams open now. */
  int open() {
    return maxStreams - permits.availablePermits();
  }

  /** Streams ended because their reader fell behind. */
  long dropped() {
    return dropped.get();
  }

  void handle(Context ctx) throws IOException {
    String sku = QueryApp.id(ctx.pathParam("sku"), "sku");
    long resumeAfter = lastEventId(ctx.header("Last-Event-ID"), reader.partitionOf(sku));
    if (!permits.tryAcquire()) {
      throw new Problem(503, "this instance serves " + maxStreams + " streams already; retry shortly or elsewhere",
          Map.of("Retry-After", RETRY_AFTER_SECONDS)).toException();
    }
    try {
      StockFeed.Subscription subscription = feed.subscribe(sku);
      try {
        stream(ctx, sku, subscription, resumeAfter);
      } finally {
        feed.unsubscribe(subscription);
      }
    } finally {
      permits.release();
    }
  }

  private void stream(Context ctx, String sku, StockFeed.Subscription subscription, long resumeAfter)
      throws IOException {
    StockFeed.Change first = currentView(sku);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-store");
    // Tells nginx-like proxies not to buffer the stream.
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    long sent = resumeAfter;
    if (first.row().position().offset() > sent) {
      out.write(first.event());
      sent = first.row().position().offset();
    } else {
      out.write(HEARTBEAT);
    }
    out.flush();
    try {
      while (true) {
        StockFeed.Change change = subscription.next(heartbeat);
        if (change == null) {
          out.write(HEARTBEAT);
        } else if (change.row().position().offset() > sent) {
          out.write(change.event());
          sent = change.row().position().offset();
        } else {
          continue;
        }
        out.flush();
      }
    } catch (StockFeed.Ended e) {
      if (e.getMessage().startsWith("fell")) {
        dropped.incrementAndGet();
      }
      log.debug("stream of {} ended: {}", sku, e.getMessage());
    } catch (IOException e) {
      log.debug("stream of {} closed by the client: {}", sku, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first event: from the views when the watcher knows the SKU, else one read; a 404 when there is none. */
  private StockFeed.Change currentView(String sku) {
    Optional<SkuViews.Known> known = views.current(sku);
    if (known.isPresent()) {
      SkuViews.Known k = known.get();
      return new StockFeed.Change(k.row(), StockJson.event(k.row(),
          new Freshness(k.applied().position().map(Position::token).orElse(null), k.ageMs(), false)));
    }
    Reading<Optional<SkuRow>> reading = reader.sku(sku, null, Duration.ZERO);
    SkuRow row = reading.value().orElseThrow(() -> Problem.notFound("sku " + sku + " is not in the read model"
        + " (a stream watches a SKU that has had stock; retry once it has)").toException());
    return new StockFeed.Change(row, StockJson.event(row, reading.freshness()));
  }

  /**
   * The offset of a {@code Last-Event-ID}, -1 when absent. An ID of another partition than the SKU's cannot be one
   * of its events: it is ignored, so the client gets the current view. One that is not a position is a 400.
   */
  static long lastEventId(String header, int partition) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    Position position;
    try {
      position = Position.parse(header.strip());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("Last-Event-ID must be the id of an event of this stream, a position like 3-1234 ("
          + e.getMessage() + ")").toException();
    }
    return position.partition() == partition ? position.offset() : -1;
  }
}
