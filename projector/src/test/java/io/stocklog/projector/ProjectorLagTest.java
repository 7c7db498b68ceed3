package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class ProjectorLagTest {

  private static final String FETCH = "consumer-fetch-manager-metrics";

  @Test
  void readsRecordsLagOfTheEventsTopicsPartitionsUnderEitherSpellingOfTheTopic() {
    Map<MetricName, Metric> metrics = new LinkedHashMap<>();
    put(metrics, "records-lag", FETCH, "inventory.events", "0", 5.0);
    put(metrics, "records-lag", FETCH, "inventory_events", "0", 5.0);
    put(metrics, "records-lag", FETCH, "inventory_events", "1", 7.0);

    assertThat(ProjectorLag.lagByPartition(metrics, "inventory.events")).containsExactly(
        Map.entry("0", 5.0), Map.entry("1", 7.0));
  }

  @Test
  void skipsOtherTopicsOtherMetricsAndPartitionsNotFetchedYet() {
    Map<MetricName, Metric> metrics = new LinkedHashMap<>();
    put(metrics, "records-lag", FETCH, "stocklog-projector-stock-changelog", "0", 3.0);
    put(metrics, "records-lag-max", FETCH, "inventory.events", "0", 9.0);
    put(metrics, "records-lag", "some-other-group", "inventory.events", "0", 9.0);
    put(metrics, "records-lag", FETCH, "inventory.events", "1", Double.NaN);
    put(metrics, "records-lag", FETCH, "inventory.events", "2", 0.0);

    assertThat(ProjectorLag.lagByPartition(metrics, "inventory.events")).containsExactly(Map.entry("2", 0.0));
  }

  private static void put(Map<MetricName, Metric> metrics, String name, String group, String topic,
      String partition, double value) {
    MetricName metricName = new MetricName(name, group, "", Map.of("client-id", "c", "topic", topic,
        "partition", partition));
    metrics.put(metricName, new Metric() {
      @Override
      public MetricName metricName() {
        return metricName;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }
}
