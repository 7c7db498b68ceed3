package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.topics.TopicSettings;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests that cannot be read as sent, over raw sockets (java.net.URI refuses to build most of them):
 * whether Jetty refuses them before routing or the body reader does, the answer is a problem+json with the
 * right 4xx, never an HTML page, a 500 or a timeout, and nothing is appended.
 */
@WithInfra
class MalformedRequestsTest {

  private static TestKafka kafka;
  private static TopicSettings topics;
  private static CommandService service;
  private static Http http;

  @BeforeAll
  static void start(TestKafka testKafka) {
    kafka = testKafka;
    topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    service = CommandService.start(
        TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics));
    http = new Http(service.port(), TestTokens.OPERATOR);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "bad percent-encoding     | POST /skus/%zz/receipts HTTP/1.1                  | 400 | percent-encoding",
      "bad UTF-8                | POST /skus/%C3/receipts HTTP/1.1                  | 400 | UTF-8",
      "NUL                      | POST /skus/a%00b/receipts HTTP/1.1                | 400 | malformed request",
      "not HTTP                 | GARBAGE                                           | 400 | malformed request",
      "bad percent-encoding PUT | PUT /skus/%zz/receipts HTTP/1.1                   | 400 | percent-encoding",
  })
  void whatJettyRefusesBeforeRoutingIsAProblemNotAnHtmlPage(String what, String requestLine, int status,
      String named) {
    Http.RawAnswer answer = http.raw(requestLine + "\r\nHost: localhost\r\nContent-Length: 0\r\n"
        + "Connection: close\r\n\r\n", false);

    assertRawProblem(answer, status, named);
  }

  @Test
  void aUriTooLongIs414AndHeadersTooLargeAre431AsProblems() {
    Http.RawAnswer longUri = http.raw("GET /skus/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n", false);
    Http.RawAnswer bigHeaders = http.raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
        + "p".repeat(20_000) + "\r\nConnection: close\r\n\r\n", false);

    assertRawProblem(longUri, 414, "URI");
    assertRawProblem(bigHeaders, 431, "headers");
  }

  @Test
  void aBodyEndingBeforeItsContentLengthIsA400ProblemAndNotCountedAsA500() {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());
    String thirtyBytes = "{\"receiptId\":\"r-1\",\"quantity\"";

    Http.RawAnswer answer = http.raw("POST /skus/eof-1/receipts HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + TestTokens.OPERATOR + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n" + thirtyBytes, true);

    assertRawProblem(answer, 400, "request body ended before Content-Length");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
    String metrics = http.get("/metrics").response().body();
    assertThat(metrics)
        .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/skus/{sku}/receipts\",status=\"400\"}")
        .doesNotContain("status=\"500\"");
  }

  @Test
  void aDeclaredContentLengthOverTheLimitIs413AtOnceWithoutReadingTheBody() {
    long started = System.nanoTime();

    Http.RawAnswer answer = http.raw("POST /skus/big-1/receipts HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"receiptId\":", false);

    assertRawProblem(answer, 413, "body is larger than the limit of 16384 bytes");
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms to answer").isLessThan(5_000);
  }

  /**
   * An order's body is the largest a command takes: 100 lines, each a 64-character SKU and the largest quantity,
   * written out with indentation as a person would, still fits under the default limit and is accepted; one past
   * the limit is a 413 before it is read, as for any route.
   */
  @Test
  void theLargestOrderFitsTheBodyLimitAndAnOversizeOneIs413() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      String sku = String.format("%03d", i) + "s".repeat(61);
      lines.append(i == 0 ? "" : ",\r\n").append("    {\r\n      \"sku\": \"").append(sku)
          .append("\",\r\n      \"quantity\": 1000000000\r\n    }");
    }
    String largest = "{\r\n  \"orderId\": \"" + "o".repeat(64) + "\",\r\n  \"holdSeconds\": 86400,\r\n"
        + "  \"lines\": [\r\n" + lines + "\r\n  ]\r\n}";
    assertThat(largest.length()).as("bytes").isLessThan(CommandConfig.DEFAULT_MAX_BODY_BYTES);

    Http.Answer accepted = http.post("/orders", largest);

    assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());
    String oversize = largest.replace("\"holdSeconds\"", "\"pad\": \"" + "x".repeat(8_000) + "\", \"holdSeconds\"");
    Http.RawAnswer tooLarge = http.raw("POST /orders HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + TestTokens.OPERATOR + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + oversize.length() + "\r\n\r\n" + oversize, false);
    assertRawProblem(tooLarge, 413, "body is larger than the limit of 16384 bytes");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
    Http.Answer untyped = http.postUntyped("/orders", largest);
    CommandServiceTest.assertProblem(untyped, 415, "no Content-Type was sent");
  }

  @Test
  void aBodyThatDoesNotSayItIsJsonIs415AndNothingIsAppended() {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());
    String body = "{\"receiptId\":\"r-415\",\"quantity\":1}";

    Http.Answer untyped = http.postUntyped("/skus/ct-1/receipts", body);
    CommandServiceTest.assertProblem(untyped, 415, "no Content-Type was sent");
    assertThat(untyped.header("Accept")).isEqualTo("application/json");
    Http.Answer text = http.post("/skus/ct-1/receipts", body, "Content-Type", "text/plain");
    CommandServiceTest.assertProblem(text, 415, "was 'text/plain'");
    assertThat(EventLog.ends(kafka, topics.events())).as("nothing appended").isEqualTo(before);

    assertThat(http.post("/skus/ct-1/receipts", body, "Content-Type", "Application/JSON; charset=utf-8").status())
        .as("a parameter and any case are fine").isEqualTo(202);
    assertThat(http.post("/skus/ct-1/reservations/o-1/cancel", null).status())
        .as("no body needs no type").isEqualTo(202);
  }

  @Test
  void aBrokenBodyIsNamedByLineAndColumnWithoutJacksonsInternals() {
    Http.Answer answer = http.post("/skus/ct-2/receipts", "{\"receiptId\":\"r-1\",");

    CommandServiceTest.assertProblem(answer, 400, "body is not valid JSON");
    assertThat(answer.json().get("detail").asText()).contains("line 1, column")
        .doesNotContain("[Source", "REDACTED", "`", "Feature");
  }

  @Test
  void headIsGetWithoutTheBody() {
    Http.Answer head = http.method("HEAD", "/health");

    assertThat(head.status()).as("%s", head).isEqualTo(200);
    assertThat(head.contentType()).startsWith("application/json");
    assertThat(head.response().body()).isEmpty();
  }

  @Test
  void aWrongMethodIsA405WithAnAllowHeader() {
    Http.Answer answer = http.method("PUT", "/skus/s/receipts");

    CommandServiceTest.assertProblem(answer, 405, "PUT");
    assertThat(answer.header("Allow")).isEqualTo("POST");
  }

  static void assertRawProblem(Http.RawAnswer answer, int status, String named) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(status);
    assertThat(answer.header("Content-Type")).as("%s", answer).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).as("detail of %s", answer).contains(named);
  }
}
