package io.stocklog.bench;

import io.stocklog.events.Events;
import io.stocklog.events.EventCodec;
import io.stocklog.events.SkuEvent;
import io.stocklog.local.LocalStack;
import io.stocklog.operator.Connections;
import io.stocklog.operator.KafkaOffsets;
import io.stocklog.operator.OperatorSettings;
import io.stocklog.operator.Projections;
import io.stocklog.projector.ProjectorConfig;
import io.stocklog.readmodel.ProjectionCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast a rebuild replays the log into a fresh projection, end to end into Postgres: loads a history of
 * {@code --events} events straight into the events topic of a local stack, lets the live projector decide it
 * all, then runs the operator's rebuild and reports the catch-up rate and the handoff time.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl bench exec:java -Dexec.mainClass=io.stocklog.bench.RebuildBench -Dexec.args="--events 1000000"</pre>
 */
@Command(name = "rebuild-bench", mixinStandardHelpOptions = true,
    description = "Measure the operator's rebuild: events folded per second into a fresh projection in Postgres.")
public final class RebuildBench implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "1000000", description = "Events in the history (default ${DEFAULT-VALUE}).")
  long events;
  @Option(names = "--skus", defaultValue = "20000", description = "SKUs (default ${DEFAULT-VALUE}).")
  int skus;
  @Option(names = "--partitions", defaultValue = "4", description = "Events partitions (default ${DEFAULT-VALUE}).")
  int partitions;
  @Option(names = "--seed", defaultValue = "42")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RebuildBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (LocalStack stack = LocalStack.start(0, 0, 0, partitions, "rebuild_bench")) {
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("STOCKLOG_PARTITIONS", Integer.toString(partitions));
      env.put("STOCKLOG_JDBC_URL", stack.database().jdbcUrl());
      env.put("STOCKLOG_JDBC_USER", stack.database().user());
      env.put("STOCKLOG_JDBC_PASSWORD", stack.database().password() == null ? "" : stack.database().password());
      ProjectorConfig projector = ProjectorConfig.fromEnv(env);

      long t0 = System.nanoTime();
      long produced = produce(stack.bootstrapServers(), projector.topics().events());
      double produceSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("produced %,d events in %.1f s (%,.0f/s)%n", produced, produceSeconds, produced / produceSeconds);

      try (Connections c = new Connections(OperatorSettings.fromEnv(env))) {
        long t1 = System.nanoTime();
        Map<Integer, Long> end = c.offsets().end(projector.topics().events());
        ProjectionCatalog.State state = c.catalog().read().orElseThrow();
        String app = state.decider().orElseThrow().applicationId();
        while (!KafkaOffsets.atLeast(c.offsets().committed(app, projector.topics().events()), end)) {
          Thread.sleep(500);
        }
        double liveSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("live projector decided them in %.1f s (%,.0f/s)%n", liveSeconds, produced / liveSeconds);

        Projections.RebuildResult r = new Projections(c, projector, System.out, false, Duration.ofMinutes(10))
            .rebuild("bench");
        System.out.printf("REBUILD events=%d catch_up_s=%.1f events_per_s=%.0f handoff_s=%.1f%n", r.eventsFolded(),
            r.catchUp().toMillis() / 1000.0, r.eventsPerSecond(), r.handoff().toMillis() / 1000.0);
      }
    }
    return 0;
  }

  /** A day of trade: receipts, then reservations of which most are confirmed or cancelled, some extended. */
  private long produce(String bootstrap, String topic) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    SplittableRandom random = new SplittableRandom(seed);
    Instant at = Instant.now();
    long n = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int s = 0; s < skus && n < events; s++, n++) {
        send(producer, topic, Events.received("sku-" + s, "r-" + s, 1_000_000, at));
      }
      long order = 0;
      while (n < events) {
        String sku = "sku-" + random.nextInt(skus);
        String orderId = "o-" + order++;
        send(producer, topic, Events.requested(sku, orderId, 1 + random.nextInt(3), 900, at));
        n++;
        int fate = random.nextInt(10);
        if (n < events && fate < 6) {
          send(producer, topic, Events.confirmed(sku, orderId, at));
          n++;
        } else if (n < events && fate < 9) {
          send(producer, topic, Events.cancelled(sku, orderId, at));
          n++;
        } else if (n < events) {
          send(producer, topic, Events.extended(sku, orderId, 600, at));
          n++;
        }
      }
      producer.flush();
    }
    return n;
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, SkuEvent e) {
    producer.send(new ProducerRecord<>(topic, e.sku(), EventCodec.encode(e)));
  }
}
