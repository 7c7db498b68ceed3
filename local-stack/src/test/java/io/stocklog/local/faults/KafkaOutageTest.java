package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka unavailable to the command service under a steady load: the only broker of the cluster is stopped
 * for a while and started again (the infrastructure restarts it after the class anyway, should the test fail). Every command is answered, 202 or a 503 with Retry-After within
 * about the append timeout; nothing reported accepted is missing from the log; the service takes writes
 * again by itself once the broker is back, and so does the projector, so the read model converges and the
 * invariants hold.
 *
 * <p>The command service's unit-level test (command-service KafkaUnavailableTest) checks the same answers
 * with one request at a time and no projector; this one adds the load, the whole pipeline, and the check
 * against the read model and the log.
 */
@WithInfra
class KafkaOutageTest {

  /** Loops on threads of their own, stopped after each test even when it fails half-way. */
  @RegisterExtension
  final BackgroundLoops background = new BackgroundLoops();

  /** The append timeout the command service runs with here: the bound on a 503 (default 10 s). */
  private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  /**
   * The bound on any answer: a send first waits up to 2 s for metadata (the producer's max.block.ms), and the
   * append timeout runs from there; plus 5 s for a machine shared with other builds. Generous: it tells an
   * answer from a hang, and the measured times are reported.
   */
  private static final long ANSWER_BOUND_MS = 2_000 + APPEND_TIMEOUT.toMillis() + 5_000;
  private static final List<String> SKUS = List.of("KD-1", "KD-2", "KD-3", "KD-4");

  record Probe(long at, int status) {}

  @Test
  void commandsGet503FastWhileKafkaIsDownAndTheServiceRecoversByItself(TestKafka kafka) throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "kafkaout", 3)
        .env("STOCKLOG_APPEND_TIMEOUT_MS", Long.toString(APPEND_TIMEOUT.toMillis()));
    try (LocalStack stack = LocalStack.start(options)) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Ledger ledger = new Ledger();
      for (String sku : SKUS) {
        assertThat(ledger.record(sku, "r-0-" + sku, client.receipt(sku, "r-0-" + sku, 300, 10)).status()).isEqualTo(200);
      }
      long t0 = System.nanoTime();
      ConcurrentLinkedQueue<Probe> readiness = new ConcurrentLinkedQueue<>();
      AtomicBoolean probing = background.start();
      Thread prober = Thread.ofVirtual().start(() -> {
        while (probing.get()) {
          readiness.add(new Probe(millisSince(t0), client.get(stack.commandUrl() + "/ready").status()));
          sleep(250);
        }
      });

      long stoppedAt;
      long startedAt;
      long recoveredAt;
      long sent;
      try (SteadyLoad load = new SteadyLoad("kd", client, ledger, SKUS, 6, Duration.ofMillis(20), null).start()) {
        sleep(3_000);
        stoppedAt = millisSince(t0);
        kafka.stopBroker(0);
        long stopTook = millisSince(t0) - stoppedAt;
        sleep(OUTAGE.toMillis() - stopTook);
        startedAt = millisSince(t0);
        kafka.startBroker(0);
        // Recovery: the first command accepted after the restart, by the load itself.
        long before = ledger.count(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ledger.count(202) == before && System.nanoTime() < deadline) {
          sleep(50);
        }
        recoveredAt = millisSince(t0);
        sleep(2_000);
        sent = load.sent();
      }
      probing.set(false);
      prober.join();
      assertThat(recoveredAt - startedAt).as("ms from the broker's restart to the next 202").isLessThan(60_000);

      assertThat(ledger.unexpected()).as("answers against the contract (a 503 without Retry-After, a 5xx, ...)")
          .isEmpty();
      assertThat(ledger.unanswered()).as("commands with no answer").isEmpty();
      assertThat(ledger.byStatus().keySet()).as("command answers").isSubsetOf(200, 202, 503);
      assertThat(ledger.count(503)).as("commands refused while the broker was down").isPositive();
      assertThat(ledger.maxRefusalMillis()).as("slowest 503 (append timeout %d ms)", APPEND_TIMEOUT.toMillis())
          .isLessThan(ANSWER_BOUND_MS);
      assertThat(ledger.maxMillis()).as("slowest answer of any kind: none hangs").isLessThan(ANSWER_BOUND_MS);
      assertThat(readiness).as("/ready while the broker was down")
          .anySatisfy(p -> assertThat(p.status()).isEqualTo(503));
      long readyAgainAt = -1;
      for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < deadline; sleep(100)) {
        if (client.get(stack.commandUrl() + "/ready").status() == 200) {
          readyAgainAt = millisSince(t0);
          break;
        }
      }
      assertThat(readyAgainAt).as("/ready says 200 again by itself").isPositive();
      List<Ledger.Sent> refused = ledger.all().stream().filter(s -> s.answer().status() == 503).toList();
      long first503 = refused.stream().mapToLong(s -> s.answer().millis()).min().orElseThrow();

      long convergeMillis = FaultCheck.awaitConverged(FaultCheck.readModel(stack), ledger, Duration.ofSeconds(90));
      LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, ledger.acceptedEventIds());
      // A 503 says "not accepted", not "certainly not appended": an append whose answer was lost with the
      // broker may still be in the log. Counted, not forbidden; the caller retries with the same ID.
      LogAudit audit = LogAudit.read(stack.bootstrapServers(), stack.topics());
      Set<String> refusedButAppended = new HashSet<>(ledger.refusedSubjects());
      refusedButAppended.retainAll(audit.subjectsInLog);
      FaultCheck.report("kafka-outage", "outage_s=" + OUTAGE.toSeconds() + " append_timeout_ms="
          + APPEND_TIMEOUT.toMillis() + " load=6_writers commands_sent=" + sent + " answers=" + ledger.byStatus()
          .toString().replace(" ", "") + " " + figures.line() + " refused_but_in_log=" + refusedButAppended.size()
          + " fastest_503_ms=" + first503 + " slowest_503_ms=" + ledger.maxRefusalMillis()
          + " slowest_answer_ms=" + ledger.maxMillis()
          + " broker_down_to_first_202_after_restart_ms=" + (recoveredAt - stoppedAt)
          + " restart_to_first_202_ms=" + (recoveredAt - startedAt)
          + " ready_503_seen=" + readiness.stream().filter(p -> p.status() == 503).count()
          + " restart_to_ready_200_ms=" + (readyAgainAt - startedAt) + " convergence_after_load_stop_ms=" + convergeMillis);
    }
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
