package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.http.RawHttp;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Jetty refuses before any route sees it, sent over a raw socket: a problem+json with the right 4xx,
 * never Jetty's HTML page.
 */
@WithInfra
class MalformedRequestsTest {

  private static QueryService service;

  @BeforeAll
  static void start(TestDatabase db) {
    service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 2, 12));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "bad percent-encoding | GET /skus/%zz HTTP/1.1                   | 400 | percent-encoding",
      "bad UTF-8            | GET /skus/%C3/reservations/o-1 HTTP/1.1  | 400 | UTF-8",
      "NUL                  | GET /skus/a%00b HTTP/1.1                 | 400 | malformed request",
      "not HTTP             | GARBAGE                                  | 400 | malformed request",
      "URI too long         | LONG                                     | 414 | URI",
      "headers too large    | BIG                                      | 431 | headers",
  })
  void whatJettyRefusesBeforeRoutingIsAProblemNotAnHtmlPage(String what, String requestLine, int status,
      String named) {
    RawHttp.Answer answer = switch (requestLine) {
      case "LONG" -> RawHttp.send(service.port(), "GET /skus/" + "a".repeat(20_000) + " HTTP/1.1");
      case "BIG" -> RawHttp.send(service.port(), "GET /health HTTP/1.1", "X-Padding: " + "p".repeat(20_000));
      default -> RawHttp.send(service.port(), requestLine);
    };

    assertThat(answer.status()).as("%s", answer).isEqualTo(status);
    assertThat(answer.header("Content-Type")).as("%s", answer).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).contains(named);
  }
}
