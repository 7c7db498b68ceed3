package io.stocklog.projector;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.failures.OutageLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a {@code ClockTick} with the wall-clock time to every partition of the events topic, every
 * {@code interval}. This is the only place the wall clock enters the log: the projector decides by log
 * time, so without ticks a reservation on a partition that gets no traffic would never expire. Because the
 * ticks are in the log, a replay sees the same clock and expires the same holds at the same points.
 *
 * <p>Several projector instances ticking at once is harmless: a partition's clock is the max of the times
 * it has seen. A failed send is logged and the next tick tries again.
 */
public final class Ticker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Ticker.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final OutageLog outage;

  private Ticker(Producer<byte[], byte[]> producer, String topic, Duration interval, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
    this.outage = new OutageLog(log, "writing ticks to " + topic);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stocklog-ticker");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleAtFixedRate(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts ticking {@code topic} on {@code bootstrapServers} every {@code interval}, from now. */
  public static Ticker start(String bootstrapServers, String topic, Duration interval) {
    Objects.requireNonNull(topic, "topic");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("tick interval must be at least 1 ms (was " + interval + ")");
    }
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "stocklog-ticker",
        // A tick is part of the system of record like any event: written to every in-sync replica.
        ProducerConfig.ACKS_CONFIG, "all",
        // A retried send must not append a tick twice or out of order.
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // Ticks are tiny and each is soon superseded: send at once rather than wait to batch.
        ProducerConfig.LINGER_MS_CONFIG, 0);
    return new Ticker(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
        topic, interval, Clock.systemUTC());
  }

  private void tick() {
    try {
      int partitions = producer.partitionsFor(topic).size();
      Instant now = clock.instant();
      for (int p = 0; p < partitions; p++) {
        // Each tick has its own event ID, as every event does; the time is the same for all partitions.
        byte[] value = EventCodec.encode(Events.tick(now));
        producer.send(new ProducerRecord<>(topic, p, null, value), (metadata, e) -> report(e));
      }
    } catch (RuntimeException e) {
      report(e);
    }
  }

  /** Logs the first failure of a run of them and the recovery, not every tick in between. */
  private void report(Exception e) {
    if (e == null) {
      outage.succeeded();
    } else {
      outage.failed(e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
