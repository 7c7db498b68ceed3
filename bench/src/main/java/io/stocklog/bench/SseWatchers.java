package io.stocklog.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The storefront bench's SSE watchers, run as a process of their own so that their sockets, threads and CPU are
 * not the measured JVM's (as an outside load generator's would not be): {@code n} watchers of one SKU's
 * {@code /stream}, each on its own HTTP/1.1 connection. Talks to its parent on stdin/stdout:
 *
 * <ul>
 *   <li>prints {@code READY <id>} once every watcher has its first event (all with the same id), or
 *       {@code FAILED <reason>};
 *   <li>reads {@code STOP <id>}: the last change the parent expects; waits (up to 20 s) until every watcher has
 *       it, then prints one {@code RESULT key=value ...} line and exits.
 * </ul>
 *
 * Every watcher must see the same sequence of event ids (one event per change of the row, none skipped); the result
 * counts the watchers whose sequence differs from the most common one, and three latencies of each event received:
 * from the change being applied to Postgres (a poller reads the SKU's row every {@value #POLL_MS} ms and notes when
 * each position first appears; events whose position it never saw are left out), from the change's log time
 * ({@code updatedAt}, when the decision was made: the whole pipeline), and from its first receipt by any watcher
 * (the fan-out's own spread).
 */
public final class SseWatchers {

  private static final int MAX_MS = 120_000;
  static final int POLL_MS = 5;

  private final AtomicLongArray sinceApplied = new AtomicLongArray(MAX_MS + 1);
  private final AtomicLongArray sinceDecision = new AtomicLongArray(MAX_MS + 1);
  /** When each position of the SKU's row was first seen in Postgres (nanoTime). */
  private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
  private final AtomicLongArray sinceFirstReceipt = new AtomicLongArray(MAX_MS + 1);
  private final Map<String, Long> firstReceipt = new ConcurrentHashMap<>();
  private final AtomicInteger withFirstEvent = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final List<Watcher> watchers = new ArrayList<>();

  /** Arguments: the stream's URL, the number of watchers, then the read model's JDBC URL, user, table and SKU. */
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    SseWatchers w = new SseWatchers();
    w.pollApplied(args[2], args[3], args[4], args[5]);
    w.run(uri, n);
  }

  /** Notes when each position of the SKU's row appears in Postgres, on a daemon thread of its own. */
  private void pollApplied(String jdbcUrl, String user, String table, String sku) throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl, user, "");
    PreparedStatement s = c.prepareStatement(
        "select position_partition, position_offset from " + table + " where sku = ?");
    s.setString(1, sku);
    Thread.ofPlatform().daemon().name("applied-poller").start(() -> {
      try (c; s) {
        while (true) {
          try (ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
              appliedAt.putIfAbsent(rs.getInt(1) + "-" + rs.getLong(2), System.nanoTime());
            }
          }
          Thread.sleep(POLL_MS);
        }
      } catch (SQLException | InterruptedException e) {
        System.err.println("applied-poller stopped: " + e);
      }
    });
  }

  private void run(URI uri, int n) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
    for (int i = 0; i < n; i++) {
      Watcher w = new Watcher();
      watchers.add(w);
      client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(w)).whenComplete((r, e) -> {
        w.status = r == null ? -1 : r.statusCode();
        w.error = e;
        ended.incrementAndGet();
      });
      if (i % 200 == 199) {
        Thread.sleep(20); // open them at about 10,000/s, not all in one burst at the accept queue
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (withFirstEvent.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (withFirstEvent.get() < n) {
      Map<Integer, Integer> statuses = new HashMap<>();
      watchers.forEach(w -> statuses.merge(w.status, 1, Integer::sum));
      System.out.println("FAILED only " + withFirstEvent.get() + " of " + n + " watchers got a first event in 120 s;"
          + " ended connections " + ended.get() + ", statuses " + statuses + firstError());
      System.exit(1);
    }
    System.out.println("READY " + watchers.getFirst().firstId);
    System.out.flush();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    String last = line == null ? "" : line.substring("STOP ".length()).trim();
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until && watchers.stream().anyMatch(w -> !last.equals(w.lastId))) {
      Thread.sleep(100);
    }
    System.out.println("RESULT " + result(last));
    System.out.flush();
    System.exit(0);
  }

  private String firstError() {
    return watchers.stream().filter(w -> w.error != null).findFirst().map(w -> "; first error " + w.error).orElse("");
  }

  private String result(String last) {
    Map<String, Integer> sequences = new HashMap<>();
    long events = 0;
    for (Watcher w : watchers) {
      sequences.merge(w.events + ":" + w.sequenceHash, 1, Integer::sum);
      events += w.events;
    }
    int agreeing = sequences.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    long withLast = watchers.stream().filter(w -> last.equals(w.lastId)).count();
    long outOfOrder = watchers.stream().filter(w -> w.outOfOrder).count();
    long closed = ended.get();
    return String.format(Locale.ROOT,
        "watchers=%d events=%d changes=%d disagreeing=%d out_of_order=%d with_last=%d closed_early=%d"
            + " applied_to_received_n=%d applied_to_received_p50_ms=%d applied_to_received_p99_ms=%d"
            + " applied_to_received_max_ms=%d decided_to_received_p50_ms=%d decided_to_received_p99_ms=%d decided_to_received_max_ms=%d"
            + " fanout_p50_ms=%d fanout_p99_ms=%d fanout_max_ms=%d",
        watchers.size(), events, firstReceipt.size(), watchers.size() - agreeing, outOfOrder, withLast, closed,
        total(sinceApplied), percentile(sinceApplied, 0.50), percentile(sinceApplied, 0.99),
        percentile(sinceApplied, 1.0),
        percentile(sinceDecision, 0.50), percentile(sinceDecision, 0.99), percentile(sinceDecision, 1.0),
        percentile(sinceFirstReceipt, 0.50), percentile(sinceFirstReceipt, 0.99), percentile(sinceFirstReceipt, 1.0));
  }

  private static long total(AtomicLongArray histogram) {
    long total = 0;
    for (int i = 0; i <= MAX_MS; i++) {
      total += histogram.get(i);
    }
    return total;
  }

  private static long percentile(AtomicLongArray histogram, double q) {
    long total = total(histogram);
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i <= MAX_MS; i++) {
      seen += histogram.get(i);
      if (seen >= rank) {
        return i;
      }
    }
    return MAX_MS;
  }

  private static void record(AtomicLongArray histogram, long millis) {
    histogram.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, millis)));
  }

  /** One connection's event stream, parsed line by line as the SSE format says. */
  private final class Watcher implements Flow.Subscriber<String> {
    volatile int status;
    volatile Throwable error;
    volatile String firstId;
    volatile String lastId;
    long events;
    long sequenceHash = 17;
    boolean outOfOrder;
    private long lastPositionOffset = -1;
    private String id;
    private String data;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.isEmpty()) {
        if (data != null) {
          dispatch(id, data);
        }
        data = null;
        return;
      }
      if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("data:")) {
        data = line.substring(5).strip();
      }
      // comments (":") and other fields are ignored, as the format says
    }

    private void dispatch(String eventId, String json) {
      long now = System.nanoTime();
      Instant decided = updatedAt(json);
      if (decided != null) {
        record(sinceDecision, Duration.between(decided, Instant.now()).toMillis());
      }
      Long applied = appliedAt.get(eventId);
      if (applied != null) {
        record(sinceApplied, (now - applied) / 1_000_000);
      }
      Long first = firstReceipt.putIfAbsent(eventId, now);
      record(sinceFirstReceipt, first == null ? 0 : (now - first) / 1_000_000);
      long offset = offsetOf(eventId);
      if (offset <= lastPositionOffset) {
        outOfOrder = true;
      }
      lastPositionOffset = offset;
      events++;
      sequenceHash = sequenceHash * 31 + eventId.hashCode();
      lastId = eventId;
      if (firstId == null) {
        firstId = eventId;
        withFirstEvent.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
    }

    @Override
    public void onComplete() {}
  }

  /** A position token's offset (the digits after its last non-digit), or -1. */
  static long offsetOf(String token) {
    int i = token.length();
    while (i > 0 && Character.isDigit(token.charAt(i - 1))) {
      i--;
    }
    return i == token.length() ? -1 : Long.parseLong(token.substring(i));
  }

  static Instant updatedAt(String json) {
    int at = json.indexOf("\"updatedAt\":\"");
    if (at < 0) {
      return null;
    }
    int start = at + "\"updatedAt\":\"".length();
    int end = json.indexOf('"', start);
    try {
      return Instant.parse(json.substring(start, end));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
