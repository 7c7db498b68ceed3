package io.stocklog.command;

import io.stocklog.failures.OutageLog;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.OutcomeJson;
import io.stocklog.topics.TopicSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the whole outcomes topic and hands each caller waiting with {@code Prefer: wait} the outcome of
 * its own event.
 *
 * <p>Every instance reads every partition (assigned, no consumer group), from the end as of its start, so
 * any number of command-service instances each see the outcomes of their own callers' events. A waiter is
 * keyed by the appended event's ID and registered before the event is sent, so an outcome that arrives
 * before the send callback is not missed. Expiry outcomes carry the ID of the event whose log time passed a
 * deadline, but are about other reservations, so they never complete a waiter.
 *
 * <p><b>It answers from the decision, not from the commit</b> ({@code read_uncommitted}). The projector writes
 * outcomes in exactly-once transactions that commit every {@code STOCKLOG_COMMIT_INTERVAL_MS}; a
 * {@code read_committed} reader sees an outcome only then, so every waiter would wait for the next commit. But a
 * decision is a deterministic function of the log up to its event: the same rules over the same records in the
 * same order, with time taken from the records. If the transaction that carried it aborts (the projector
 * crashed, or was fenced), the next owner of the partition restores the state of the last commit, folds the same
 * records again and decides every one of them the same way. So an outcome read before its commit is already
 * final in value, and the waiter can have it at once. {@code EarlyAnswersTest} kills the projector hard, again
 * and again, in the middle of its transactions while thousands of callers wait, and finds every answer given
 * equal to the committed outcome of its event. What would break this: the rules changing between the abort and
 * the redo (a deploy of another fold version in that window), or the redo reading another log (records of the
 * events topic deleted or rewritten) — see the README. The read-model sink and every other reader of the
 * public outcomes topic stay {@code read_committed}.
 *
 * <p>Waiters are capped ({@code maxWaiters}): past the cap {@link #expect} says no and the caller gets its
 * 202 at once, so a flood of waiting calls cannot exhaust memory.
 *
 * <p>It also remembers the first outcome of every receipt, adjustment and reservation request it reads
 * ({@link FirstOutcomes}, bounded), so a repeated ID can be answered with its original outcome at once,
 * without appending it again. An outcome is remembered before it is handed to a waiter, and a SKU's outcomes
 * come in log order, so the first outcome of an ID is known by the time its duplicate arrives.
 *
 * <p><b>Orders.</b> An order's outcomes ({@link OrderOutcome}, marked by the header {@link OrderOutcome#HEADER})
 * share the topic. The header is looked at first, so a SKU outcome is never decoded as anything else, and an order
 * outcome is decoded only while a caller waits for an order ({@link #expectOrder}). An order's waiter gets the
 * first outcome of its event that decides something: not one whose order is still {@link OrderStatus#PENDING} (the
 * order is placed and its lines are being asked for: the decision, HELD or REJECTED, comes after it) unless it is a
 * refusal ({@code ORDER_BUSY} while the order is placing is final), and never an {@code EXPIRED} one (an order's
 * expiry carries the ID of whichever event moved the clock past its deadline). SKU and order waiters are kept
 * apart, so an order outcome never answers a SKU request whose event happened to cause it, nor the other way.
 * Repeats of an order are decided by its coordinator (a repeated placing yields the first decision, marked
 * duplicate), so nothing is remembered for them here.
 */
public final class OutcomeFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutcomeFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, CompletableFuture<Outcome>> waiters = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<OrderOutcome>> orderWaiters = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final int maxWaiters;
  private final FirstOutcomes firstOutcomes;
  private final Thread poller;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OutcomeFollower(KafkaConsumer<byte[], byte[]> consumer, String topic, int maxWaiters,
      int firstOutcomesCapacity) {
    this.consumer = consumer;
    this.maxWaiters = maxWaiters;
    this.firstOutcomes = new FirstOutcomes(firstOutcomesCapacity);
    this.poller = Thread.ofPlatform().name("outcome-follower-" + topic).daemon().unstarted(this::run);
  }

  /**
   * Starts following {@code topic} from its current end; returns once every partition's end is known.
   *
   * @param firstOutcomesCapacity how many first outcomes of IDs to remember (0: none)
   */
  public static OutcomeFollower start(String bootstrapServers, String topic, int maxWaiters,
      int firstOutcomesCapacity) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "command-service-outcomes",
        // Outcomes as soon as they are decided, before their transaction commits: see the class comment.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
        // No group, no offsets: every instance reads everything from where it started.
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        // A waiting caller waits for this fetch: see TopicSettings.OUTCOMES_FETCH_MAX_WAIT_MS.
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, TopicSettings.OUTCOMES_FETCH_MAX_WAIT_MS),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, START_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("the outcomes topic " + topic + " does not exist");
      }
      List<TopicPartition> assigned = partitions.stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      // Resolve the ends now, not at the first poll: an outcome of an event appended after start()
      // returns must be after the position we start from.
      assigned.forEach(tp -> consumer.position(tp, START_TIMEOUT));
      OutcomeFollower follower = new OutcomeFollower(consumer, topic, maxWaiters, firstOutcomesCapacity);
      follower.poller.start();
      log.info("following {} ({} partitions) for up to {} waiting callers, remembering up to {} first outcomes",
          topic, assigned.size(), maxWaiters, firstOutcomesCapacity);
      return follower;
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  /**
   * Registers a waiter for the outcome of the event {@code eventId}; empty when {@code maxWaiters} callers
   * are already waiting. Whoever gets a waiter calls {@link #forget} when done with it.
   */
  public Optional<CompletableFuture<Outcome>> expect(String eventId) {
    return expect(waiters, eventId);
  }

  /**
   * As {@link #expect}, for the decision of an order's event ({@code OrderPlaced}, or its confirm, cancel or
   * extend), under the same cap.
   */
  public Optional<CompletableFuture<OrderOutcome>> expectOrder(String eventId) {
    return expect(orderWaiters, eventId);
  }

  private <O> Optional<CompletableFuture<O>> expect(Map<String, CompletableFuture<O>> into, String eventId) {
    if (closed.get() || waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<O> waiter = new CompletableFuture<>();
    boolean taken = waiters.containsKey(eventId) || orderWaiters.containsKey(eventId);
    if (taken || into.putIfAbsent(eventId, waiter) != null) {
      waiting.decrementAndGet();
      throw new IllegalStateException("already waiting for event " + eventId);
    }
    return Optional.of(waiter);
  }

  /** Drops the waiter of {@code eventId}, if still registered (its outcome came, or the wait ran out). */
  public void forget(String eventId) {
    if (waiters.remove(eventId) != null || orderWaiters.remove(eventId) != null) {
      waiting.decrementAndGet();
    }
  }

  /** The first outcome of the ID {@code key}, if this instance has read it and still remembers it. */
  Optional<Outcome> firstOutcome(FirstOutcomes.Key key) {
    return firstOutcomes.first(key);
  }

  /** First outcomes remembered right now. */
  int firstOutcomesRemembered() {
    return firstOutcomes.size();
  }

  /** Callers waiting right now. */
  public int waiting() {
    return waiting.get();
  }

  private void run() {
    OutageLog outage = new OutageLog(log, "polling outcomes");
    long backoffMs = FIRST_BACKOFF_MS;
    try {
      while (!closed.get()) {
        try {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            deliver(record);
          }
          outage.succeeded();
          backoffMs = FIRST_BACKOFF_MS;
        } catch (WakeupException e) {
          // close() woke us up; the loop condition ends it.
        } catch (KafkaException e) {
          // Logged once a run; waits grow so a broker that keeps refusing is not polled in a hot loop.
          outage.failed(e);
          pause(backoffMs);
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
  }

  private void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed.set(true);
    }
  }

  private void deliver(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    if (record.headers().lastHeader(OrderOutcome.HEADER) != null) {
      deliverOrder(record);
      return;
    }
    if (waiters.isEmpty() && !firstOutcomes.enabled()) {
      // Nothing waits for it, and nothing is remembered.
      return;
    }
    Outcome outcome;
    try {
      outcome = OutcomeJson.read(record.value());
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      log.warn("skipping unreadable outcome at {}-{}: {}", record.partition(), record.offset(), e.toString());
      return;
    }
    firstOutcomes.record(outcome);
    if (outcome.decision() == Decision.EXPIRED) {
      return;
    }
    CompletableFuture<Outcome> waiter = waiters.get(outcome.eventId());
    if (waiter != null) {
      waiter.complete(outcome);
    }
  }

  private void deliverOrder(ConsumerRecord<byte[], byte[]> record) {
    if (orderWaiters.isEmpty()) {
      return;
    }
    OrderOutcome outcome;
    try {
      outcome = Json.MAPPER.readValue(record.value(), OrderOutcome.class);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      log.warn("skipping unreadable order outcome at {}-{}: {}", record.partition(), record.offset(), e.toString());
      return;
    }
    if (!answers(outcome)) {
      return;
    }
    CompletableFuture<OrderOutcome> waiter = orderWaiters.get(outcome.eventId());
    if (waiter != null) {
      waiter.complete(outcome);
    }
  }

  /**
   * Whether {@code o} answers the request whose event ID it carries: not while the order is still
   * {@link OrderStatus#PENDING} (its decision follows), unless it was refused; never an expiry (see the class
   * comment).
   */
  static boolean answers(OrderOutcome o) {
    if (o.decision() == Decision.EXPIRED) {
      return false;
    }
    return o.status() != OrderStatus.PENDING || o.decision() == Decision.REJECTED;
  }

  /** Stops following; callers still waiting get no outcome (their wait ends as if it ran out). Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    consumer.wakeup();
    try {
      poller.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    waiters.values().forEach(w -> w.complete(null));
    orderWaiters.values().forEach(w -> w.complete(null));
  }
}
