package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.JsonSerde;
import io.stocklog.local.LocalStack;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The command service answers waiting callers from an outcome as soon as it is decided, before the projector's
 * transaction commits (its follower reads {@code read_uncommitted}). That is safe only because a decision is a
 * deterministic function of the log: if the transaction aborts, the next projector decides every one of its
 * events the same way again. This test attacks exactly that: the projector, in a process of its own with a long
 * commit interval, is killed with SIGKILL in the middle of its transactions, again and again, while a hundred
 * callers keep reserving, confirming and cancelling with {@code Prefer: wait}. Then every answer given is held
 * to the committed outcome of its event: equal in every field. And the test shows that the hazard was met: many
 * answers arrived seconds before any committed outcome of their event existed, some for events whose first
 * outcome was in a transaction the kill aborted.
 */
@WithInfra
class EarlyAnswersTest {

  private static final List<String> SKUS = List.of("EARLY-1", "EARLY-2", "EARLY-3", "EARLY-4");
  private static final int CALLERS = 100;
  private static final int KILLS = 4;
  /** A long transaction: a kill lands in the middle of one, after many of its outcomes were answered. */
  private static final String COMMIT_INTERVAL_MS = "3000";

  /** One answer with a decision, and when it came. */
  record Answered(JsonNode body, long atNanos) {}

  /** The first committed outcome of an event (not an expiry it caused), and when it became visible. */
  record Committed(Outcome outcome, long seenAtNanos) {}

  @Test
  void everyAnswerGivenBeforeTheCommitIsTheCommittedOutcomeDespiteKillsMidTransaction(TestKafka kafka)
      throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "early", 3)
        .withoutProjector()
        .env("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000")
        .env("STOCKLOG_COMMIT_INTERVAL_MS", COMMIT_INTERVAL_MS);
    try (LocalStack stack = LocalStack.start(options);
        CommittedWatcher committed = new CommittedWatcher(stack)) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Map<String, Answered> answers = new ConcurrentHashMap<>();
      List<ProjectorProcess> processes = new ArrayList<>();
      ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger sent = new AtomicInteger();
      try {
        processes.add(ProjectorProcess.start(stack.joiningEnvironment(), "early-projector-0"));
        processes.getLast().awaitReady(client, Duration.ofSeconds(90));
        for (String sku : SKUS) {
          assertThat(client.receipt(sku, "r-" + sku, 1_500, 20).status()).as("stock for %s", sku).isEqualTo(200);
        }
        for (int c = 0; c < CALLERS; c++) {
          int caller = c;
          callers.submit(() -> call(client, caller, answers, sent, stop));
        }
        for (int k = 1; k <= KILLS; k++) {
          // Let the projector decide for a while, then kill it mid-transaction and start the next one at once.
          awaitAnswers(answers, answers.size() + 600, Duration.ofSeconds(60));
          Thread.sleep(ThreadLocalRandom.current().nextLong(300, 2_500));
          assertThat(processes.getLast().kill()).as("exit of SIGKILL").isEqualTo(137);
          processes.add(ProjectorProcess.start(stack.joiningEnvironment(), "early-projector-" + k));
          processes.getLast().awaitReady(client, Duration.ofSeconds(90));
        }
        awaitAnswers(answers, answers.size() + 600, Duration.ofSeconds(60));
        stop.set(true);
        callers.shutdown();
        assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).as("callers finished").isTrue();
        committed.awaitAll(answers.keySet(), Duration.ofSeconds(60));
      } catch (AssertionError | RuntimeException e) {
        processes.forEach(p -> System.out.println(p.tail()));
        throw e;
      } finally {
        stop.set(true);
        callers.shutdownNow();
        for (ProjectorProcess p : processes) {
          p.close();
        }
      }

      List<String> mismatches = new ArrayList<>();
      int early = 0;
      int earlyFromAborted = 0;
      Map<String, Integer> aborted = abortedCopies(stack);
      for (Map.Entry<String, Answered> e : answers.entrySet()) {
        Committed c = committed.of(e.getKey());
        if (c == null) {
          mismatches.add(e.getKey() + ": answered " + e.getValue().body() + " but no committed outcome");
          continue;
        }
        String difference = difference(e.getValue().body(), c.outcome());
        if (difference != null) {
          mismatches.add(e.getKey() + ": " + difference);
        }
        if (e.getValue().atNanos() < c.seenAtNanos() - TimeUnit.MILLISECONDS.toNanos(500)) {
          early++;
          if (aborted.getOrDefault(e.getKey(), 0) > 0) {
            earlyFromAborted++;
          }
        }
      }
      FaultCheck.report("early-answers", "kills=" + KILLS + " commit_interval_ms=" + COMMIT_INTERVAL_MS
          + " callers=" + CALLERS + " commands_sent=" + sent.get() + " answered=" + answers.size()
          + " answered_before_commit=" + early + " answered_from_a_transaction_later_aborted=" + earlyFromAborted
          + " events_with_aborted_outcomes=" + aborted.size() + " mismatches=" + mismatches.size());
      assertThat(mismatches).as("answers that differ from the committed outcome").isEmpty();
      assertThat(answers).as("answers with a decision").hasSizeGreaterThan(2_000);
      assertThat(early).as("answers that came before any committed outcome of their event").isGreaterThan(200);
      assertThat(earlyFromAborted).as("of those, answers from a transaction the kill aborted").isPositive();
    }
  }

  /** One caller: reserve, and confirm or cancel some of what it holds, each waiting for its decision. */
  private static void call(CommandClient client, int caller, Map<String, Answered> answers, AtomicInteger sent,
      AtomicBoolean stop) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n = 0;
    while (!stop.get()) {
      String sku = SKUS.get(random.nextInt(SKUS.size()));
      String order = "o-" + caller + "-" + n++;
      CommandClient.Answer held = record(answers, sent,
          client.reserve(sku, order, 1 + random.nextInt(3), 600, 20));
      if (held.status() == 201 && random.nextInt(4) > 0) {
        String action = random.nextBoolean() ? "confirm" : "cancel";
        record(answers, sent, client.post("/skus/" + sku + "/reservations/" + order + "/" + action, null, 20));
      }
    }
  }

  private static CommandClient.Answer record(Map<String, Answered> answers, AtomicInteger sent,
      CommandClient.Answer answer) {
    sent.incrementAndGet();
    long at = System.nanoTime();
    if ((answer.status() == 200 || answer.status() == 201 || answer.status() == 409)
        && answer.body().hasNonNull("decision") && answer.body().hasNonNull("eventId")) {
      answers.put(answer.text("eventId"), new Answered(answer.body(), at));
    }
    return answer;
  }

  private static void awaitAnswers(Map<String, Answered> answers, int count, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (answers.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + answers.size() + " answers, not " + count + ", within " + max);
      }
      Thread.sleep(50);
    }
  }

  /** What differs between an answer and the committed outcome of its event; null when nothing does. */
  private static String difference(JsonNode answer, Outcome o) {
    List<String> differences = new ArrayList<>();
    compare(differences, "position", answer, o.position());
    compare(differences, "eventType", answer, o.eventType());
    compare(differences, "sku", answer, o.sku());
    compare(differences, "subjectId", answer, o.subjectId());
    compare(differences, "decision", answer, o.decision().name());
    compare(differences, "reason", answer, o.reason() == null ? null : o.reason().name());
    compare(differences, "duplicate", answer, Boolean.toString(o.duplicate()));
    compare(differences, "quantity", answer, Long.toString(o.quantity()));
    compare(differences, "onHand", answer, Long.toString(o.onHand()));
    compare(differences, "reserved", answer, Long.toString(o.reserved()));
    compare(differences, "available", answer, Long.toString(o.available()));
    compare(differences, "expiresAt", answer, o.expiresAt() == null ? null : o.expiresAt().toString());
    compare(differences, "decidedAt", answer, o.decidedAt().toString());
    return differences.isEmpty() ? null : String.join(", ", differences) + " (answered " + answer + ")";
  }

  private static void compare(List<String> differences, String field, JsonNode answer, String committed) {
    JsonNode n = answer.get(field);
    String given = n == null || n.isNull() ? null : n.asText();
    if (!Objects.equals(given, committed)) {
      differences.add(field + " answered " + given + ", committed " + committed);
    }
  }

  /** Per event ID, how many of its own outcomes (not expiries) were in transactions that did not commit. */
  private static Map<String, Integer> abortedCopies(LocalStack stack) {
    Map<String, Integer> copies = new ConcurrentHashMap<>();
    var serde = JsonSerde.of(Outcome.class).deserializer();
    for (ConsumerRecord<String, Outcome> r : LogAudit.readAll(stack.bootstrapServers(), stack.topics().outcomes(),
        stack.topics().partitions(), serde, "read_uncommitted")) {
      if (r.value().decision() != Decision.EXPIRED) {
        copies.merge(r.value().eventId(), 1, Integer::sum);
      }
    }
    for (ConsumerRecord<String, Outcome> r : LogAudit.readAll(stack.bootstrapServers(), stack.topics().outcomes(),
        stack.topics().partitions(), serde)) {
      if (r.value().decision() != Decision.EXPIRED) {
        copies.merge(r.value().eventId(), -1, Integer::sum);
      }
    }
    copies.values().removeIf(n -> n <= 0);
    return copies;
  }

  /** Reads the outcomes topic {@code read_committed} throughout, noting when each event's outcome appears. */
  private static final class CommittedWatcher implements AutoCloseable {
    private final Map<String, Committed> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;

    CommittedWatcher(LocalStack stack) {
      KafkaConsumer<String, Outcome> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
          ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new StringDeserializer(),
          JsonSerde.of(Outcome.class).deserializer());
      List<TopicPartition> partitions = IntStream.range(0, stack.topics().partitions())
          .mapToObj(p -> new TopicPartition(stack.topics().outcomes(), p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread = Thread.ofPlatform().name("committed-watcher").daemon().start(() -> {
        try (consumer) {
          while (!closed.get()) {
            for (ConsumerRecord<String, Outcome> r : consumer.poll(Duration.ofMillis(50))) {
              if (r.value().decision() != Decision.EXPIRED) {
                seen.putIfAbsent(r.value().eventId(), new Committed(r.value(), System.nanoTime()));
              }
            }
          }
        }
      });
    }

    Committed of(String eventId) {
      return seen.get(eventId);
    }

    void awaitAll(Iterable<String> eventIds, Duration max) throws InterruptedException {
      long deadline = System.nanoTime() + max.toNanos();
      for (String id : eventIds) {
        while (!seen.containsKey(id)) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("no committed outcome of answered event " + id + " within " + max);
          }
          Thread.sleep(50);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      closed.set(true);
      thread.join(5_000);
    }
  }
}
