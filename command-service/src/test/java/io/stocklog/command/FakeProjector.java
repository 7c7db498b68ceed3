package io.stocklog.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import io.stocklog.infra.TestKafka;
import io.stocklog.json.Json;
import io.stocklog.outcomes.OrderOutcome;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for the projector (another module) in this component's tests: reads the events topic from
 * its current end and writes the outcomes {@code decide} gives for each event to the outcomes topic, on the
 * event's partition with its position, as the real projector does. An order's event gets the order outcomes
 * {@code decideOrders} gives, marked with {@link OrderOutcome#HEADER} and keyed by order ID, as the coordinator's.
 */
final class FakeProjector implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();

  FakeProjector(TestKafka kafka, String events, String outcomes, Function<Event, List<Outcome>> decide) {
    this(kafka, events, outcomes, decide, e -> List.of());
  }

  FakeProjector(TestKafka kafka, String events, String outcomes, Function<Event, List<Outcome>> decide,
      Function<OrderEvent, List<OrderOutcome>> decideOrders) {
    consumer = EventLog.consumer(kafka);
    List<TopicPartition> partitions = consumer.partitionsFor(events).stream()
        .map(p -> new TopicPartition(events, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 0),
        new StringSerializer(), new ByteArraySerializer());
    thread = Thread.ofPlatform().name("fake-projector").daemon().start(() -> {
      try {
        while (!closed.get()) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            Position at = new Position(record.partition(), record.offset());
            Event event = EventLog.decode(record.value());
            if (event instanceof OrderEvent order) {
              for (OrderOutcome outcome : decideOrders.apply(order)) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(OrderOutcome.HEADER, new byte[] {1});
                producer.send(new ProducerRecord<>(outcomes, record.partition(), record.key(),
                    json(outcome.at(at)), headers));
              }
              continue;
            }
            for (Outcome outcome : decide.apply(event)) {
              producer.send(new ProducerRecord<>(outcomes, record.partition(), record.key(), json(outcome.at(at))));
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

  private static byte[] json(Object outcome) {
    try {
      return Json.MAPPER.writeValueAsBytes(outcome);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
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
