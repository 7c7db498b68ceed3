package io.stocklog.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not part of the normal build: replays a log of {@code -Dstocklog.replay.events=N} records from
 * the in-process broker and reports the rate, reading included. Run with, for a million:
 *
 * <pre>mvn -pl projector -am test -Dtest=LogReplayMillionTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstocklog.replay.events=1000000</pre>
 */
@WithInfra
@EnabledIfSystemProperty(named = "stocklog.replay.events", matches = "\\d+")
class LogReplayMillionTest {

  private static final Logger log = LoggerFactory.getLogger(LogReplayMillionTest.class);

  @Test
  void replaysTheWholeLog(TestKafka kafka) {
    int n = Integer.parseInt(System.getProperty("stocklog.replay.events"));
    String topic = kafka.createUniqueTopic("replay-million", 12);
    long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
      int tick = 0;
      for (SyntheticLog.Encoded r : SyntheticLog.records(n, 20_000, 1)) {
        Integer partition = r.key() == null ? tick++ % 12 : null;
        producer.send(new ProducerRecord<>(topic, partition, r.key(), r.value()));
      }
      producer.flush();
    }
    log.info(String.format(Locale.ROOT, "appended %,d records in %.1f s", n, (System.nanoTime() - started) / 1e9));

    for (int round = 0; round < 2; round++) {
      LogReplay replay = LogReplay.of(kafka.bootstrapServers(), topic);
      ExpectedReadModel expected = new ExpectedReadModel();
      long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long gc = gcMillis();
      LogReplay.Result result = replay.replay(replay.lastOffsets(), expected.listener());
      double cpuSeconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu) / 1e9;
      log.info(String.format(Locale.ROOT, "replay %d: %,d records in %.2f s = %,.0f records/s (deciding thread busy"
          + " %.2f s, GC %,d ms; %,d outcomes, %,d SKUs, %,d reservations; load average %.1f)", round,
          result.records(), result.elapsed().toNanos() / 1e9, result.recordsPerSecond(), cpuSeconds,
          gcMillis() - gc, result.outcomes(),
          expected.stock().size(), expected.reservations().size(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      assertThat(result.records()).isEqualTo(n);
    }
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
  }
}
