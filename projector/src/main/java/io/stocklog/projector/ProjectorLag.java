package io.stocklog.projector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The projector's lag per events partition it owns, as {@code stocklog_projector_lag{partition}}: events in
 * the log not yet decided, by Kafka's own consumer metric {@code records-lag} of the stream threads'
 * consumers (to the last stable offset, as they read committed).
 *
 * <p>Micrometer's {@code KafkaStreamsMetrics} exposes that metric too, but only after its next refresh (up to a
 * minute after the partition is assigned), and twice per partition (Kafka 4 tags the topic both as named and
 * with '.' replaced by '_'). This gauge is read from the current {@link KafkaStreams} on every {@link
 * #refresh()}, once per scrape, so it follows rebalances and projector restarts at once; a partition the
 * instance does not own, or has not fetched yet, has no series.
 */
final class ProjectorLag {

  private static final String GROUP = "consumer-fetch-manager-metrics";
  private static final String NAME = "records-lag";

  private final Supplier<KafkaStreams> streams;
  private final String topic;
  private final MultiGauge gauge;

  ProjectorLag(Supplier<KafkaStreams> streams, String eventsTopic, MeterRegistry registry) {
    this.streams = streams;
    this.topic = eventsTopic;
    this.gauge = MultiGauge.builder("stocklog.projector.lag")
        .description("events of the partition not yet decided by this projector instance")
        .register(registry);
  }

  /** Reads the lag of every owned partition now; the partitions no longer owned lose their series. */
  void refresh() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    KafkaStreams running = streams.get();
    if (running == null) {
      // No projector runs (a handoff): no partition is owned here.
      gauge.register(rows, true);
      return;
    }
    lagByPartition(running.metrics(), topic)
        .forEach((partition, lag) -> rows.add(MultiGauge.Row.of(Tags.of("partition", partition), lag)));
    gauge.register(rows, true);
  }

  /** {@code records-lag} of {@code topic}'s partitions among {@code metrics}, skipping those not known yet. */
  static Map<String, Double> lagByPartition(Map<MetricName, ? extends Metric> metrics, String topic) {
    String replaced = topic.replace('.', '_');
    Map<String, Double> lag = new TreeMap<>();
    metrics.forEach((name, metric) -> {
      String tagged = name.tags().get("topic");
      String partition = name.tags().get("partition");
      if (NAME.equals(name.name()) && GROUP.equals(name.group()) && partition != null
          && (topic.equals(tagged) || replaced.equals(tagged))
          && metric.metricValue() instanceof Number value && !Double.isNaN(value.doubleValue())) {
        lag.put(partition, value.doubleValue());
      }
    });
    return lag;
  }
}
