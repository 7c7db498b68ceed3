package io.stocklog.projector;

import io.stocklog.events.ClockTick;
import io.stocklog.events.EventCodec;
import io.stocklog.failures.OutageLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the ticks the deciding tasks ask for ({@link DecideProcessor}) to the events topic, as any upstream
 * producer appends an event: with its own idempotent producer, outside the tasks' transactions. This is the only
 * place the wall clock enters the log. A failed send is logged once a run ({@link OutageLog}); the task asks again.
 */
final class TickProducer implements ProjectorOptions.TickSender, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TickProducer.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final OutageLog outage;
  private final AtomicBoolean closed = new AtomicBoolean();

  TickProducer(String bootstrapServers, String topic) {
    this.topic = topic;
    this.outage = new OutageLog(log, "writing ticks to " + topic);
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "stocklog-ticks",
        // A tick is part of the system of record like any event: written to every in-sync replica.
        ProducerConfig.ACKS_CONFIG, "all",
        // A retried send must not append a tick twice or out of order.
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // A tick is sent when a hold is due: at once, not after waiting to fill a batch.
        ProducerConfig.LINGER_MS_CONFIG, 0,
        // Never block the stream thread that asks for a tick for long.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void send(int partition, ClockTick tick) {
    try {
      producer.send(new ProducerRecord<>(topic, partition, null, EventCodec.encode(tick)), (metadata, e) -> {
        if (e == null) {
          outage.succeeded();
        } else {
          outage.failed(e);
        }
      });
    } catch (KafkaException | IllegalStateException e) {
      outage.failed(e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    producer.close(Duration.ofSeconds(5));
  }
}
