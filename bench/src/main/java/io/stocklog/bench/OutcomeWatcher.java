package io.stocklog.bench;

import io.stocklog.json.Json;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.OutcomeJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the outcomes topic from its end (read_committed: only decisions the projector committed) and
 * completes whoever waits for a decision on a subject (order, receipt) and event type, or for an order's decision
 * ({@link OrderOutcome}s, marked by their header). It also keeps the latest {@code available} per SKU, which is what
 * the system says is left.
 */
final class OutcomeWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutcomeWatcher.class);

  /** An outcome and when the client learnt it. */
  record Known(Outcome outcome, long knownAt) {}

  /** An order's outcome and when the client learnt it. */
  record KnownOrder(OrderOutcome outcome, long knownAt) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final ConcurrentHashMap<String, CompletableFuture<Known>> pending = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<KnownOrder>> orders = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> available = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  OutcomeWatcher(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = Thread.ofPlatform().name("outcome-watcher").daemon(true).start(this::follow);
  }

  static String key(String subjectId, String eventType) {
    return subjectId + '/' + eventType;
  }

  /** Registers interest before the request is sent, so the answer cannot slip past. */
  CompletableFuture<Known> expect(String subjectId, String eventType) {
    CompletableFuture<Known> f = new CompletableFuture<>();
    pending.put(key(subjectId, eventType), f);
    return f;
  }

  void forget(String subjectId, String eventType) {
    pending.remove(key(subjectId, eventType));
  }

  /**
   * Registers interest in the decision of an order's request ({@code OrderPlaced}, {@code OrderConfirmed}, ...):
   * the first of its order outcomes that is not PENDING (a placing may first be answered PENDING while its lines
   * are asked; the decision follows).
   */
  CompletableFuture<KnownOrder> expectOrder(String orderId, String eventType) {
    CompletableFuture<KnownOrder> f = new CompletableFuture<>();
    orders.put(key(orderId, eventType), f);
    return f;
  }

  void forgetOrder(String orderId, String eventType) {
    orders.remove(key(orderId, eventType));
  }

  Map<String, Long> available() {
    return Map.copyOf(available);
  }

  private void follow() {
    try {
      while (!closed.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : records) {
          if (r.headers().lastHeader(OrderOutcome.HEADER) != null) {
            // Decoded only while someone waits for an order's decision: the other workloads never do.
            if (!orders.isEmpty()) {
              order(r, now);
            }
            continue;
          }
          Outcome o;
          try {
            o = OutcomeJson.read(r.value());
          } catch (Exception e) {
            log.warn("unreadable outcome at {}-{}: {}", r.partition(), r.offset(), e.toString());
            continue;
          }
          available.put(o.sku(), o.available());
          CompletableFuture<Known> f = pending.remove(key(o.subjectId(), o.eventType()));
          if (f != null) {
            f.complete(new Known(o, now));
          }
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void order(ConsumerRecord<String, byte[]> r, long now) {
    OrderOutcome o;
    try {
      o = Json.MAPPER.readValue(r.value(), OrderOutcome.class);
    } catch (Exception e) {
      log.warn("unreadable order outcome at {}-{}: {}", r.partition(), r.offset(), e.toString());
      return;
    }
    if (o.status() == OrderStatus.PENDING) {
      return;
    }
    CompletableFuture<KnownOrder> f = orders.remove(key(o.orderId(), o.eventType()));
    if (f != null) {
      f.complete(new KnownOrder(o, now));
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("outcome watcher closed")));
    orders.values().forEach(f -> f.completeExceptionally(new IllegalStateException("outcome watcher closed")));
  }
}
