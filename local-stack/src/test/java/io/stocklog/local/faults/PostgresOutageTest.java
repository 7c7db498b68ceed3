package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TcpProxy;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read model's Postgres away for 30 seconds under a steady load of commands and reads. The shared
 * Postgres server is never stopped: the query service and the projector's read-model sink reach it through a
 * {@link TcpProxy}, which is cut (open connections reset, new ones accepted and never answered, the harsher
 * failure) and restored. Meanwhile every read must be answered 503 with Retry-After within a few seconds,
 * never hang; commands go on being accepted, since they only need Kafka; afterwards the sink resumes by
 * itself, the read model converges, and nothing accepted is lost.
 *
 * <p>{@code -Dstocklog.outage.seconds=<n>} changes the outage's length (default 30).
 */
@WithInfra
class PostgresOutageTest {

  /** Loops on threads of their own, stopped after each test even when it fails half-way. */
  @RegisterExtension
  final BackgroundLoops background = new BackgroundLoops();

  private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("stocklog.outage.seconds", 30));
  /** "Quickly instead of hanging": generous, since the machine is shared; the measured times are reported. */
  private static final long ANSWER_BOUND_MS = 5_000;
  /** Reads sent this soon after the cut may be answered from the query service's memory (see the README). */
  private static final long WATCHER_NOTICE_MS = 1_000;
  private static final List<String> SKUS = List.of("PG-1", "PG-2", "PG-3", "PG-4", "PG-5", "PG-6");

  /** A read and when it was sent, in ms since the test's start. */
  record Read(long sentAt, long answeredAt, Answer answer) {}

  @Test
  void queriesAnswer503FastWhilePostgresIsAwayAndTheReadModelConvergesAfter(TestKafka kafka) throws Exception {
    AtomicReference<TcpProxy> proxyRef = new AtomicReference<>();
    LocalStack.Options options = Stacks.onCluster(kafka, "pgout", 3)
        .serviceJdbcUrl(url -> throughProxy(url, proxyRef));
    try (LocalStack stack = LocalStack.start(options); TcpProxy proxy = proxyRef.get()) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Ledger ledger = new Ledger();
      for (String sku : SKUS) {
        Answer stock = ledger.record(sku, "r-0-" + sku, client.receipt(sku, "r-0-" + sku, 200, 10));
        assertThat(stock.status()).as("%s", stock).isEqualTo(200);
        // The read model is eventually consistent: have it hold every SKU before reads are judged.
        assertThat(client.query("/skus/" + sku + "?minPosition=" + stock.text("position") + "&wait=10").status())
            .isEqualTo(200);
      }
      long t0 = System.nanoTime();
      ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
      AtomicBoolean reading = background.start();
      Thread reader = Thread.ofVirtual().start(() -> {
        while (reading.get()) {
          String sku = SKUS.get(ThreadLocalRandom.current().nextInt(SKUS.size()));
          long sentAt = millisSince(t0);
          Answer a = ThreadLocalRandom.current().nextInt(4) == 0
              ? client.query("/skus?ids=" + String.join(",", SKUS))
              : client.query("/skus/" + sku);
          reads.add(new Read(sentAt, millisSince(t0), a));
          sleep(50);
        }
      });

      try (SteadyLoad load = new SteadyLoad("pg", client, ledger, SKUS, 4, Duration.ofMillis(25), null).start()) {
        sleep(2_000);
        assertThat(reads).as("reads before the outage").allSatisfy(r -> assertThat(r.answer().status()).isEqualTo(200));

        long cutAt = millisSince(t0);
        proxy.cut();
        // The projector notices when its sink's next batch fails, and says so on /ready.
        long sinkDownAt = -1;
        while (millisSince(t0) - cutAt < OUTAGE.toMillis()) {
          if (sinkDownAt < 0) {
            Answer ready = client.get(stack.projectorUrl() + "/ready");
            if (ready.status() == 503 && "DOWN".equals(ready.body().at("/checks/readModelSink").asText())) {
              sinkDownAt = millisSince(t0);
            }
          }
          sleep(200);
        }
        long restoredAt = millisSince(t0);
        proxy.restore();
        sleep(2_000); // the load goes on after the outage too
        load.close();
        reading.set(false);
        reader.join();

        long sentBeforeStop = load.sent();
        long convergeMillis = FaultCheck.awaitConverged(FaultCheck.readModel(stack), ledger, Duration.ofSeconds(60));
        long convergedAt = millisSince(t0);

        List<Read> during = reads.stream().filter(r -> r.sentAt() >= cutAt && r.answeredAt() <= restoredAt).toList();
        assertThat(during).as("reads during the outage (about one a second)")
            .hasSizeGreaterThanOrEqualTo((int) OUTAGE.toSeconds() / 2);
        // A hot SKU's read is answered from the query service's memory (as of its watcher's last round) until the
        // watcher's connection fails, which the cut makes at once: a read sent in that instant may still be a 200.
        assertThat(during.stream().filter(r -> r.sentAt() < cutAt + WATCHER_NOTICE_MS).toList())
            .as("reads sent as the outage began").allSatisfy(r ->
                assertThat(r.answer().status()).as("%s", r.answer()).isIn(200, 503));
        assertThat(during.stream().filter(r -> r.sentAt() >= cutAt + WATCHER_NOTICE_MS).toList())
            .as("reads sent during the outage").allSatisfy(r -> {
          assertThat(r.answer().status()).as("%s", r.answer()).isEqualTo(503);
          assertThat(r.answer().retryAfter()).as("Retry-After of %s", r.answer()).isNotBlank();
          assertThat(r.answer().millis()).as("time to answer %s", r.answer()).isLessThan(ANSWER_BOUND_MS);
        });
        assertThat(reads).as("reads without an answer").noneSatisfy(r -> assertThat(r.answer().status()).isEqualTo(-1));
        long first503 = reads.stream().filter(r -> r.sentAt() >= cutAt && r.answer().status() == 503)
            .mapToLong(Read::answeredAt).min().orElseThrow() - cutAt;
        long firstOkAfter = reads.stream().filter(r -> r.sentAt() >= restoredAt && r.answer().status() == 200)
            .mapToLong(Read::answeredAt).min().orElse(Long.MAX_VALUE) - restoredAt;
        assertThat(firstOkAfter).as("ms from restore to the first 200 read").isLessThan(10_000);
        List<Read> refused = during.stream().filter(r -> r.answer().status() == 503).toList();
        long maxDuring = refused.stream().mapToLong(r -> r.answer().millis()).max().orElseThrow();
        double meanDuring = refused.stream().mapToLong(r -> r.answer().millis()).average().orElseThrow();
        assertThat(sinkDownAt).as("the projector's /ready reported the sink down").isPositive();

        // Commands need Kafka only: all accepted throughout, none refused.
        assertThat(ledger.unexpected()).as("answers against the contract").isEmpty();
        assertThat(ledger.byStatus().keySet()).as("command answers").isSubsetOf(200, 202);
        assertThat(ledger.unanswered()).isEmpty();
        long acceptedDuringOutage = ledger.all().stream().filter(s -> s.answer().status() == 202).count();

        LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, ledger.acceptedEventIds());
        FaultCheck.report("postgres-outage", "outage_s=" + OUTAGE.toSeconds()
            + " load=4_writers_plus_1_reader commands_sent=" + sentBeforeStop + " reads=" + reads.size()
            + " reads_during_outage=" + during.size() + " " + figures.line()
            + " first_503_after_cut_ms=" + first503 + " max_503_latency_ms=" + maxDuring
            + " mean_503_latency_ms=" + Math.round(meanDuring) + " projector_ready_503_after_ms=" + (sinkDownAt - cutAt)
            + " first_200_after_restore_ms=" + firstOkAfter + " convergence_after_load_stop_ms=" + convergeMillis
            + " convergence_after_restore_ms=" + (convergedAt - restoredAt)
            + " proxy_connections_held_silent=" + proxy.connectionsHeld()
            + " commands_202=" + acceptedDuringOutage);
      }
    }
  }

  private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:,]+)(?::(\\d+))?(/.*)$");

  /** The URL with its host and port replaced by a new proxy's, which goes to the original. */
  private static String throughProxy(String jdbcUrl, AtomicReference<TcpProxy> proxy) {
    Matcher m = HOST_PORT.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected jdbc:postgresql://host[:port]/database, was " + jdbcUrl);
    }
    TcpProxy started = TcpProxy.start(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    proxy.set(started);
    return "jdbc:postgresql://127.0.0.1:" + started.port() + m.group(3);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
