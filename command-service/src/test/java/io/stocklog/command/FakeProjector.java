package io.stocklog.command;

import io.stocklog.events.Event;
import io.stocklog.infra.TestKafka;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for the projector (another module) in this component's tests: reads the events topic from
 * its current end and writes the outcomes {@code decide} gives for each event to the outcomes topic, on the
 * event's partition with its position, as the real projector does.
 */
final class FakeProjector implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, Outcome> producer;
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();

  FakeProjector(TestKafka kafka, String events, String outcomes, Function<Event, List<Outcome>> decide) {
    consumer = EventLog.consumer(kafka);
    List<TopicPartition> partitions = consumer.partitionsFor(events).stream()
        .map(p -> new TopicPartition(events, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 0),
        new StringSerializer(), JsonSerde.of(Outcome.class).serializer());
    thread = Thread.ofPlatform().name("fake-projector").daemon().start(() -> {
      try {
        while (!closed.get()) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            Position at = new Position(record.partition(), record.offset());
            for (Outcome outcome : decide.apply(EventLog.decode(record.value()))) {
              producer.send(new ProducerRecord<>(outcomes, record.partition(), record.key(), outcome.at(at)));
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } finally {
        consumer.close();
      }
    });
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    consumer.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
