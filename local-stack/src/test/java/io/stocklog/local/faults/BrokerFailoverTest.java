package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import io.stocklog.outcomes.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flash sale on a three-broker cluster (replication 3, min.insync.replicas 2) during which the broker
 * leading the sale SKU's partition is stopped: writes fail over to another replica. Every request answered
 * as accepted is in the log exactly once, none is decided twice, exactly the stock is held (no oversell),
 * and no read ever shows an inconsistent SKU.
 */
@WithInfra(brokers = 3)
class BrokerFailoverTest {

  /** Loops on threads of their own, stopped after each test even when it fails half-way. */
  @RegisterExtension
  final BackgroundLoops background = new BackgroundLoops();

  private static final String SKU = "FLASH-F";
  private static final int STOCK = 400;
  private static final int REQUESTS = 2_400;
  private static final int CLIENTS = 64;

  @Test
  void aFlashSaleSurvivesLosingThePartitionLeaderWithNoOversellAndNothingLostOrDoubled(TestKafka kafka)
      throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "failover", 4)
        .env("STOCKLOG_REPLICATION", "3")
        .env("STOCKLOG_MIN_INSYNC", "2");
    try (LocalStack stack = LocalStack.start(options); Admin admin = kafka.newAdmin()) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Ledger ledger = new Ledger();
      Answer stock = ledger.record(SKU, "r-stock", client.receipt(SKU, "r-stock", STOCK, 10));
      assertThat(stock.status()).as("%s", stock).isEqualTo(200);
      int partition = Position.parse(stock.text("position")).partition();
      TopicDescription events = admin.describeTopics(List.of(stack.topics().events())).allTopicNames()
          .get(30, TimeUnit.SECONDS).get(stack.topics().events());
      assertThat(events.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      int leader = events.partitions().get(partition).leader().id();

      // The read model is eventually consistent: wait until it has the stock before judging reads of it.
      Answer stocked = client.query("/skus/" + SKU + "?minPosition=" + stock.text("position") + "&wait=10");
      assertThat(stocked.status()).as("%s", stocked).isEqualTo(200);
      assertThat(stocked.number("onHand")).isEqualTo(STOCK);
      // From then on every read during the sale must show a consistent SKU, whatever the brokers are doing.
      AtomicBoolean selling = background.start();
      ConcurrentLinkedQueue<String> badReads = new ConcurrentLinkedQueue<>();
      AtomicLong reads = new AtomicLong();
      Thread reader = Thread.ofVirtual().start(() -> {
        while (selling.get()) {
          Answer r = client.query("/skus/" + SKU);
          reads.incrementAndGet();
          if (r.status() == 200) {
            long onHand = r.number("onHand");
            long reserved = r.number("reserved");
            long available = r.number("available");
            if (reserved < 0 || reserved > onHand || available != onHand - reserved || available < 0) {
              badReads.add(r.body().toString());
            }
          } else {
            badReads.add(r.toString());
          }
        }
      });

      AtomicInteger answered = new AtomicInteger();
      AtomicLong stopBegan = new AtomicLong();
      AtomicLong stopTook = new AtomicLong();
      AtomicInteger answeredAtStop = new AtomicInteger();
      Semaphore concurrency = new Semaphore(CLIENTS);
      Thread stopper = Thread.ofVirtual().start(() -> {
        while (answered.get() < REQUESTS / 3) {
          sleep(5);
        }
        answeredAtStop.set(answered.get());
        stopBegan.set(System.nanoTime());
        kafka.stopBroker(leader);
        stopTook.set((System.nanoTime() - stopBegan.get()) / 1_000_000);
      });
      long saleStarted = System.nanoTime();
      List<Future<Answer>> answers = new ArrayList<>(REQUESTS);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < REQUESTS; i++) {
          String orderId = "flash-" + i;
          answers.add(pool.submit(() -> {
            concurrency.acquire();
            try {
              return ledger.record(SKU, orderId, client.reserve(SKU, orderId, 1, 600, 20));
            } finally {
              answered.incrementAndGet();
              concurrency.release();
            }
          }));
        }
      }
      long saleMillis = (System.nanoTime() - saleStarted) / 1_000_000;
      stopper.join();
      long restartBegan = System.nanoTime();
      kafka.startBroker(leader);
      long restartMillis = (System.nanoTime() - restartBegan) / 1_000_000;

      // Answers: held, out of stock, accepted but the wait ran out, or refused; nothing else.
      int held = 0;
      int outOfStock = 0;
      for (Future<Answer> f : answers) {
        Answer a = f.get();
        if (a.status() == 201) {
          held++;
        } else if (a.status() == 409) {
          assertThat(a.text("reason")).as("%s", a).isEqualTo("OUT_OF_STOCK");
          outOfStock++;
        }
      }
      assertThat(ledger.unexpected()).as("answers against the contract").isEmpty();
      assertThat(ledger.unanswered()).as("requests with no answer").isEmpty();
      assertThat(ledger.byStatus().keySet()).as("answers").isSubsetOf(200, 201, 202, 409, 503);
      assertThat(held).as("answered HELD").isLessThanOrEqualTo(STOCK);
      assertThat(ledger.accepted() - 1).as("reservations accepted").isGreaterThanOrEqualTo(STOCK);

      long convergeMillis = FaultCheck.awaitConverged(FaultCheck.readModel(stack), ledger, Duration.ofSeconds(60));
      selling.set(false);
      reader.join();
      assertThat(badReads).as("reads showing an inconsistent SKU, or failing").isEmpty();
      LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, ledger.acceptedEventIds());
      LogAudit audit = LogAudit.read(stack.bootstrapServers(), stack.topics());
      assertThat(audit.heldUnits()).as("units held: exactly the stock, since more was asked for")
          .isEqualTo(Map.of(SKU, (long) STOCK));
      Answer sku = client.query("/skus/" + SKU);
      assertThat(sku.number("reserved")).isEqualTo(STOCK);
      assertThat(sku.number("available")).isZero();

      FaultCheck.report("broker-failover", "brokers=3 replication=3 min_insync=2 stopped=leader_of_sale_partition"
          + " load=" + REQUESTS + "_reservations_" + CLIENTS + "_clients_wait_20s stock=" + STOCK
          + " stopped_after_answers=" + answeredAtStop.get() + " answers=" + ledger.byStatus().toString().replace(" ", "")
          + " " + figures.line() + " held=" + audit.heldUnits().get(SKU) + " reads=" + reads.get()
          + " inconsistent_reads=" + badReads.size() + " broker_stop_ms=" + stopTook.get()
          + " slowest_answer_ms=" + ledger.maxMillis() + " sale_ms=" + saleMillis
          + " broker_restart_ms=" + restartMillis + " convergence_ms=" + convergeMillis
          + " answered_out_of_stock=" + outOfStock + " answered_held=" + held);
    }
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
