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

  @Option(names = "--rollback", description = "After the rebuild, roll back to the projection it replaced and time "
      + "that handoff's pause with the trickle too.")
  boolean rollback;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RebuildBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (LocalStack stack = LocalStack.start(0, 0, 0, partitions, "rebuild_bench")) {
      Map<String, String> env = stack.joiningEnvironment();
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

        // A trickle of live traffic through the rebuild: how long its events wait for a decision shows the pause
        // the handoff makes (the projector service restoring the new projection's state included).
        try (Trickle trickle = new Trickle(stack.bootstrapServers(), projector.topics())) {
          long rebuildStart = System.nanoTime();
          Projections.RebuildResult r = new Projections(c, projector, System.out, false, Duration.ofMinutes(10))
              .rebuild("bench");
          long handoffEnd = System.nanoTime();
          long handoffStart = handoffEnd - r.handoff().toNanos();
          Thread.sleep(20_000); // decisions flowing again under the new decider
          Trickle.Figures f = trickle.figures(rebuildStart, handoffStart, handoffEnd);
          System.out.printf("REBUILD events=%d catch_up_s=%.1f events_per_s=%.0f handoff_s=%.1f%n", r.eventsFolded(),
              r.catchUp().toMillis() / 1000.0, r.eventsPerSecond(), r.handoff().toMillis() / 1000.0);
          System.out.printf("TRICKLE appended=%d decided=%d p50_ms=%d max_wait_for_decision_ms=%d%n", f.appended(),
              f.decided(), f.p50(), f.max());
          // Where the longest waits were: appended while the rebuild folded and wrote (the live projector sharing the
          // cores with it), or from 2 s before the handoff to its end (nobody deciding for a moment).
          System.out.printf("TRICKLE_PHASES max_ms_before_rebuild=%d max_ms_during_fold_and_catch_up=%d "
              + "max_ms_around_handoff=%d max_ms_after=%d%n", f.maxBefore(), f.maxDuring(), f.maxAroundHandoff(),
              f.maxAfter());
          trickle.longest(8).forEach(x -> System.out.printf("TRICKLE_LONGEST appended_at=%s waited_ms=%d%n",
              java.time.LocalTime.ofInstant(Instant.now().minusNanos(System.nanoTime() - x[0]),
                  java.time.ZoneOffset.UTC), x[1]));
        }
        if (rollback) {
          try (Trickle trickle = new Trickle(stack.bootstrapServers(), projector.topics())) {
            Thread.sleep(5_000);
            long start = System.nanoTime();
            new Projections(c, projector, System.out, false, Duration.ofMinutes(10)).rollback(null);
            long done = System.nanoTime();
            Thread.sleep(20_000);
            Trickle.Figures f = trickle.figures(start, start, done);
            System.out.printf("ROLLBACK s=%.1f%n", (done - start) / 1e9);
            System.out.printf("ROLLBACK_TRICKLE appended=%d decided=%d p50_ms=%d max_wait_for_decision_ms=%d "
                + "max_ms_during_rollback=%d%n", f.appended(), f.decided(), f.p50(), f.max(), f.maxAroundHandoff());
            trickle.longest(4).forEach(x -> System.out.printf("ROLLBACK_LONGEST appended_at=%s waited_ms=%d%n",
                java.time.LocalTime.ofInstant(Instant.now().minusNanos(System.nanoTime() - x[0]),
                    java.time.ZoneOffset.UTC), x[1]));
          }
        }
      }
    }
    return 0;
  }

  /** One receipt every 50 ms appended straight to the log, and when each one's outcome appeared. */
  private static final class Trickle implements AutoCloseable {
    record Figures(int appended, int decided, long p50, long max, long maxBefore, long maxDuring,
        long maxAroundHandoff, long maxAfter) {}

    private final java.util.concurrent.ConcurrentHashMap<String, Long> sent = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> waits = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** {appended at (nanoTime), waited ms} of every decided event. */
    private final java.util.concurrent.ConcurrentLinkedQueue<long[]> timeline = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final Thread writer;
    private final Thread reader;

    Trickle(String bootstrap, io.stocklog.topics.TopicSettings topics) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      Properties c = new Properties();
      c.put("bootstrap.servers", bootstrap);
      c.put("isolation.level", "read_committed");
      var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(c,
          new org.apache.kafka.common.serialization.StringDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      var parts = consumer.partitionsFor(topics.outcomes()).stream()
          .map(i -> new org.apache.kafka.common.TopicPartition(topics.outcomes(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      reader = Thread.ofPlatform().start(() -> {
        try (consumer) {
          while (running.get()) {
            for (var r : consumer.poll(Duration.ofMillis(50))) {
              try {
                var o = io.stocklog.outcomes.OutcomeJson.read(r.value());
                Long at = sent.remove(o.eventId());
                if (at != null) {
                  long waited = (System.nanoTime() - at) / 1_000_000;
                  waits.add(waited);
                  timeline.add(new long[] {at, waited});
                }
              } catch (java.io.IOException e) {
                // not ours
              }
            }
          }
        }
      });
      writer = Thread.ofPlatform().start(() -> {
        try (producer) {
          for (int i = 0; running.get(); i++) {
            SkuEvent e = Events.received("trickle-" + (i % 50), "t-" + i, 1, Instant.now());
            sent.put(e.eventId(), System.nanoTime());
            producer.send(new ProducerRecord<>(topics.events(), e.sku(), EventCodec.encode(e)));
            Thread.sleep(50);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }

    Figures figures(long rebuildStart, long handoffStart, long handoffEnd) {
      java.util.List<Long> w = waits.stream().sorted().toList();
      long undecidedOldest = sent.values().stream().mapToLong(t -> (System.nanoTime() - t) / 1_000_000).max().orElse(0);
      long aroundFrom = handoffStart - 2_000_000_000L;
      return new Figures(w.size() + sent.size(), w.size(), w.isEmpty() ? -1 : w.get(w.size() / 2),
          Math.max(undecidedOldest, w.isEmpty() ? 0 : w.get(w.size() - 1)),
          maxWait(Long.MIN_VALUE, rebuildStart), maxWait(rebuildStart, aroundFrom), maxWait(aroundFrom, handoffEnd),
          maxWait(handoffEnd, Long.MAX_VALUE));
    }

    /** The {@code n} longest waits, as {appended at (nanoTime), waited ms}, in the order they were appended. */
    java.util.List<long[]> longest(int n) {
      return timeline.stream().sorted((a, b) -> Long.compare(b[1], a[1])).limit(n)
          .sorted((a, b) -> Long.compare(a[0], b[0])).toList();
    }

    private long maxWait(long from, long to) {
      return timeline.stream().filter(x -> x[0] >= from && x[0] < to).mapToLong(x -> x[1]).max().orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      writer.join();
      reader.join();
    }
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
