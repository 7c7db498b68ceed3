package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard against the running system: every metric its PromQL queries is in a real scrape of
 * the three services' {@code /metrics}, after some traffic, so a renamed metric breaks this test and not
 * only a panel nobody is looking at.
 */
class DashboardMetricsTest {

  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "stocklog-dashboard.json");
  private static final Pattern NAME = Pattern.compile("(?<![\\w:])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
      "on", "ignoring", "group_left", "group_right", "inf", "nan");

  private static LocalStack stack;
  private static final Http http = new Http();

  @BeforeAll
  static void start() {
    stack = LocalStack.start(0, 0, 0, 4, "dashboard_" + Long.toHexString(System.nanoTime()));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsInAScrapeOfTheRunningServices() throws IOException {
    Set<String> queried = queriedMetrics();
    assertThat(queried).as("the metrics of the issue, found in the dashboard's queries").contains(
        "http_server_requests_seconds_count", "stocklog_append_seconds_bucket", "stocklog_outcomes_total",
        "stocklog_dead_letters_total", "stocklog_projector_lag", "stocklog_sink_batch_size_sum",
        "stocklog_sink_batch_seconds_bucket", "stocklog_read_model_age_seconds", "jvm_memory_used_bytes",
        "hikaricp_connections_active");

    traffic();
    // A GC pause is timed from the first collection on; make sure there has been one.
    System.gc();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(scraped()).containsAll(queried));
  }

  @Test
  void metricNamesAreTakenFromPromQlWithoutFunctionsLabelsOrKeywords() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (le, outcome) (rate(a_bucket{outcome=\"ok\"}[$__rate_interval])))"
        + " / on (job) group_left b_total offset 5m + max(c:d) and bool sum without (x) (e)"))
        .containsExactlyInAnyOrder("a_bucket", "b_total", "c:d", "e");
  }

  private static void traffic() {
    for (int i = 0; i < 3; i++) {
      String sku = "dash-" + i;
      assertThat(http.post(stack.commandUrl() + "/skus/" + sku + "/receipts",
          "{\"receiptId\":\"r-" + i + "\",\"quantity\":2}", 10).status()).isEqualTo(200);
      assertThat(http.post(stack.commandUrl() + "/skus/" + sku + "/reservations",
          "{\"orderId\":\"o-" + i + "\",\"quantity\":5,\"holdSeconds\":60}", 10).status()).isEqualTo(409);
      http.get(stack.queryUrl() + "/skus/" + sku);
    }
  }

  /** Every metric name in the three services' scrapes, as exposed (with _count, _sum, _bucket, _total). */
  private static Set<String> scraped() {
    Set<String> names = new TreeSet<>();
    for (String base : new String[] {stack.commandUrl(), stack.queryUrl(), stack.projectorUrl()}) {
      Http.Response r = http.getText(base + "/metrics");
      assertThat(r.status()).isEqualTo(200);
      r.raw().body().lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
          .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    }
    return names;
  }

  private static Set<String> queriedMetrics() throws IOException {
    JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(metricNames(target.get("expr").asText()));
      }
    }
    return names;
  }

  /** The metric names in a PromQL expression: identifiers that are not functions, labels or keywords. */
  static Set<String> metricNames(String expr) {
    String bare = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\$\\w+", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(bare);
    while (m.find()) {
      String name = m.group();
      if (!KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.matches("\\d.*")) {
        names.add(name);
      }
    }
    return names;
  }
}
