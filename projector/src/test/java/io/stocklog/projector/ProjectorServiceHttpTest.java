package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.http.RawHttp;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.SinkConfig;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The projector process's small HTTP server, over raw sockets: every refusal is a problem+json (wrong method
 * a 405 with Allow, unknown path a 404, and what Jetty refuses before routing), and HEAD is GET without
 * the body.
 */
@WithInfra
class ProjectorServiceHttpTest {

  @TempDir
  static Path stateDir;

  private static ProjectorService service;

  @BeforeAll
  static void start(TestKafka kafka, TestDatabase db) {
    TopicSettings topics = TopicSettings.defaults().withPartitions(2)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead-letters"));
    ProjectorConfig projector = new ProjectorConfig(kafka.bootstrapServers(), topics,
        kafka.uniqueName("projector"), stateDir, Duration.ofSeconds(1), Duration.ofDays(7), 1, Duration.ofMillis(100));
    service = ProjectorService.start(new ProjectorServiceConfig(projector,
        SinkConfig.of(kafka.bootstrapServers(), topics.outcomes(), kafka.uniqueName("sink")),
        db.jdbcUrl(), db.user(), db.password(), 0));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"PUT /health", "POST /ready", "DELETE /metrics"})
  void aWrongMethodIsA405ProblemWithAnAllowHeader(String request) {
    RawHttp.Answer answer = RawHttp.send(service.port(), request + " HTTP/1.1", "Content-Length: 0");

    assertProblem(answer, 405, "method " + request.replace(" ", " is not allowed on "));
    assertThat(answer.header("Allow").split(", ")).containsExactlyInAnyOrder("GET", "HEAD");
  }

  @Test
  void anUnknownPathIsA404NamingMethodAndPath() {
    assertProblem(RawHttp.send(service.port(), "GET /nowhere HTTP/1.1"), 404, "no such resource: GET /nowhere");
    assertProblem(RawHttp.send(service.port(), "POST /nowhere HTTP/1.1", "Content-Length: 0"), 404,
        "no such resource: POST /nowhere");
  }

  @Test
  void headIsGetWithoutTheBody() {
    RawHttp.Answer head = RawHttp.send(service.port(), "HEAD /health HTTP/1.1");

    assertThat(head.status()).as("%s", head).isEqualTo(200);
    assertThat(head.header("Content-Type")).startsWith("application/json");
    assertThat(head.body()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "GET /health%zz HTTP/1.1  | 400 | percent-encoding",
      "GET /%C3 HTTP/1.1        | 400 | UTF-8",
      "GET /a%00b HTTP/1.1      | 400 | malformed request",
      "GARBAGE                  | 400 | malformed request",
      "LONG                     | 414 | URI",
      "BIG                      | 431 | headers",
  })
  void whatJettyRefusesBeforeRoutingIsAProblemNotAnHtmlPage(String requestLine, int status, String named) {
    RawHttp.Answer answer = switch (requestLine) {
      case "LONG" -> RawHttp.send(service.port(), "GET /" + "a".repeat(20_000) + " HTTP/1.1");
      case "BIG" -> RawHttp.send(service.port(), "GET /health HTTP/1.1", "X-Padding: " + "p".repeat(20_000));
      default -> RawHttp.send(service.port(), requestLine);
    };

    assertProblem(answer, status, named);
  }

  @Test
  void metricsShowTheLagOfEveryOwnedPartitionDeadLettersTheSinkAndThePool() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
        .contains("stocklog_projector_lag{partition=\"0\"} ", "stocklog_projector_lag{partition=\"1\"} "));
    assertThat(scrape()).contains(
        "stocklog_dead_letters_total 0.0",
        "stocklog_sink_batch_size_count ",
        "stocklog_sink_batch_seconds_count ",
        "stocklog_sink_batch_seconds_bucket{le=",
        "hikaricp_connections_active{pool=\"projector-read-model-sink\"} ",
        "jvm_memory_used_bytes{");
  }

  @Test
  void everyRequestIsLoggedOnceWithItsRouteAndTheIdItIsAnsweredWith() {
    Logger logger = (Logger) LoggerFactory.getLogger(ProjectorApp.REQUEST_LOG);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      RawHttp.Answer given = RawHttp.send(service.port(), "GET /health HTTP/1.1", "X-Request-Id: probe-1");
      RawHttp.Answer made = RawHttp.send(service.port(), "GET /nowhere HTTP/1.1", "X-Request-Id: not valid!");

      assertThat(given.header("X-Request-Id")).isEqualTo("probe-1");
      assertThat(made.header("X-Request-Id")).isNotBlank().isNotEqualTo("not valid!");
      await().atMost(Duration.ofSeconds(5)).until(() -> logged.list.size() >= 2);
      assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
          "method=GET route=/health status=200 duration_ms=" + duration(logged.list.get(0)) + " request_id=probe-1",
          "method=GET route=unmatched status=404 duration_ms=" + duration(logged.list.get(1))
              + " request_id=" + made.header("X-Request-Id"));
    } finally {
      logger.detachAppender(logged);
    }
  }

  private static String duration(ILoggingEvent event) {
    return event.getFormattedMessage().replaceAll(".* duration_ms=([0-9.]+) .*", "$1");
  }

  private static String scrape() {
    RawHttp.Answer answer = RawHttp.send(service.port(), "GET /metrics HTTP/1.1");
    assertThat(answer.status()).isEqualTo(200);
    return answer.body();
  }

  private static void assertProblem(RawHttp.Answer answer, int status, String named) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(status);
    assertThat(answer.header("Content-Type")).as("%s", answer).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).as("detail of %s", answer).contains(named);
  }
}
