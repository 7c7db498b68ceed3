package io.stocklog.bench;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.events.StockReceived;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What both ways into this system share: a producer appending events to {@code inventory.events} as an
 * upstream service would, and the {@link OutcomeWatcher} that learns the decisions. The stock is loaded
 * through the log as {@code StockReceived} events, and counts as loaded when every receipt is decided.
 */
abstract class StackContender implements Contender {

  final OutcomeWatcher watcher;
  final KafkaProducer<String, byte[]> producer;
  final String eventsTopic;
  private final int inFlight;

  StackContender(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, int inFlight) {
    this.watcher = watcher;
    this.eventsTopic = eventsTopic;
    this.inFlight = inFlight;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // An event counts only once every in-sync replica has it: the log is the system of record.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Retries cannot duplicate or reorder a SKU's events.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // A few ms of batching is what lets one partition take tens of thousands of events a second.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public int concurrency() {
    return inFlight;
  }

  /**
   * The stack the benchmark starts has one in-process broker: acks=all is that broker alone, and it acknowledges
   * once the record is in its log file, in the page cache (Kafka fsyncs on its own schedule, not per record). The
   * decision (the outcome, committed in a transaction) is as durable as that. With replication 3 and
   * {@code min.insync.replicas=2} the same code would be in the replicated class; that is not what runs here.
   */
  @Override
  public Durability durability() {
    return Durability.PAGE_CACHE;
  }

  /** Appends {@code event} and completes with its decision; fails if the append fails. */
  CompletableFuture<OutcomeWatcher.Known> append(SkuEvent event, String subjectId) {
    CompletableFuture<OutcomeWatcher.Known> f = watcher.expect(subjectId, event.type());
    producer.send(new ProducerRecord<>(eventsTopic, event.sku(), EventCodec.encode(event)), (md, e) -> {
      if (e != null) {
        watcher.forget(subjectId, event.type());
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public void load(Map<String, Long> stock) throws Exception {
    List<CompletableFuture<OutcomeWatcher.Known>> all = new ArrayList<>();
    Instant now = Instant.now();
    for (var e : stock.entrySet()) {
      String receipt = "r-" + e.getKey();
      StockReceived event = Events.received(e.getKey(), receipt, e.getValue(), now);
      all.add(append(event, receipt));
    }
    producer.flush();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
  }

  @Override
  public Map<String, Long> remaining(Iterable<String> skus) {
    return watcher.available();
  }

  @Override
  public void close() {
    producer.close();
  }
}
