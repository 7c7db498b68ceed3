package io.stocklog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stocklog.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The plumbing every service installs, on a tiny app of its own with a route of each kind: what it answers
 * when nothing matches, when the method is wrong, the body too large, a handler fails, and its operational
 * routes.
 */
class HttpPlumbingTest {

  private static final String REQUEST_LOG = "io.stocklog.http.PlumbingTestRequestLog";
  private static final String OPENAPI = "openapi/plumbing-test.json";
  private static final int MAX_BODY = 64;
  /** Longer than the second Jetty gives an idle keep-alive connection of the test client to close on stop. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private volatile Readiness readiness = Readiness.up(Map.of("database", "UP"));
  private final AtomicReference<HttpPlumbing> plumbing = new AtomicReference<>();
  private final Logger errors = (Logger) LoggerFactory.getLogger(ProblemMapping.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    errors.addAppender(logged);
  }

  @AfterEach
  void release() {
    errors.detachAppender(logged);
  }

  private Javalin app() {
    return Javalin.create(c -> {
      plumbing.set(HttpPlumbing.install(c, HttpPlumbing.Settings.of(REQUEST_LOG, OPENAPI, metrics,
          () -> readiness, STOP_TIMEOUT).withMaxBodyBytes(MAX_BODY)));
      c.routes.post("/things", ctx -> Replies.json(ctx, 201, Map.of("bytes", ctx.bodyAsBytes().length)));
      HttpPlumbing.getAndHead(c, "/things/{id}", ctx -> Replies.json(ctx, 200, Map.of("id", ctx.pathParam("id"))));
      c.routes.get("/refused", ctx -> {
        throw Problem.badRequest("size must be 1 to 9").withHeader("X-Hint", "size").with("field", "size")
            .toException();
      });
      c.routes.get("/boom", ctx -> {
        throw new IllegalStateException("internal secret 42");
      });
      // A reply written when a future fails on another thread, as the command service's are.
      c.routes.get("/later", ctx -> ctx.future(() -> CompletableFuture.supplyAsync(() -> {
        throw new CompletionException(Problem.unavailable("the broker did not answer").toException());
      }).handle((ignored, error) -> {
        plumbing.get().answer(ctx, error);
        return null;
      })));
    });
  }

  @Test
  void anUnknownRouteIsA404ProblemNamingMethodAndPath() {
    JavalinTest.test(app(), (server, client) -> {
      assertProblem(client.get("/nowhere"), 404, "no such resource: GET /nowhere");
      assertProblem(send(client, "POST", "/nowhere/else", "{}"), 404, "no such resource: POST /nowhere/else");
    });
  }

  @Test
  void aWrongMethodIsA405ProblemWithAllow() {
    JavalinTest.test(app(), (server, client) -> {
      HttpResponse<String> put = send(client, "PUT", "/health", "");
      assertProblem(put, 405, "method PUT is not allowed on /health; allowed: ");
      assertThat(put.headers().firstValue("Allow").orElseThrow().split(", ")).containsExactlyInAnyOrder("GET", "HEAD");

      HttpResponse<String> get = send(client, "GET", "/things", null);
      assertProblem(get, 405, "method GET is not allowed on /things");
      assertThat(get.headers().firstValue("Allow")).contains("POST");
    });
  }

  @Test
  void aDeclaredBodyOverTheLimitIsA413WithoutBeingParsed() {
    JavalinTest.test(app(), (server, client) -> {
      assertThat(send(client, "POST", "/things", "x".repeat(MAX_BODY)).statusCode()).isEqualTo(201);

      HttpResponse<String> tooLarge = send(client, "POST", "/things", "x".repeat(MAX_BODY + 1));
      assertProblem(tooLarge, 413, "body is larger than the limit of 64 bytes (Content-Length: 65)");
      assertThat(tooLarge.headers().firstValue("Connection")).contains("close");
    });
  }

  /**
   * A client still sending a body the server has refused by its length must read the 413, not a closed connection:
   * CI once saw "header parser received no bytes" here, the server having closed while the body was on its way.
   */
  @Test
  void aClientStillSendingTheRefusedBodyReadsThe413() {
    JavalinTest.test(app(), (server, client) -> {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> tooLarge = send(client, "POST", "/things", "x".repeat(4 * 1024 * 1024));
        assertThat(tooLarge.statusCode()).as("try %d", i).isEqualTo(413);
      }
    });
  }

  @Test
  void anUnexpectedFailureIsA500WithAGenericDetailLoggedOnceAtError() {
    JavalinTest.test(app(), (server, client) -> {
      Response answer = client.get("/boom");

      assertProblem(answer, 500, ProblemMapping.UNEXPECTED);
      assertThat(answer.body().string()).doesNotContain("secret", "IllegalStateException", "at io.");
      assertThat(logged.list).hasSize(1);
      ILoggingEvent line = logged.list.get(0);
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getFormattedMessage()).isEqualTo("unexpected error on GET /boom");
      assertThat(line.getThrowableProxy().getMessage()).isEqualTo("internal secret 42");
    });
  }

  @Test
  void aProblemThrownKeepsItsHeadersAndExtensionMembers() {
    JavalinTest.test(app(), (server, client) -> {
      Response answer = client.get("/refused");

      JsonNode body = assertProblem(answer, 400, "size must be 1 to 9");
      assertThat(body.get("field").asText()).isEqualTo("size");
      assertThat(answer.headers().get("X-Hint")).containsExactly("size");
      assertThat(logged.list).as("a client's mistake is not logged as an error").isEmpty();
    });
  }

  @Test
  void aFailedFutureIsAnsweredByTheSameMapping() {
    JavalinTest.test(app(), (server, client) -> {
      Response answer = client.get("/later");

      assertProblem(answer, 503, "the broker did not answer");
      assertThat(answer.headers().get("Retry-After")).containsExactly("1");
    });
  }

  @Test
  void headIsGetWithoutTheBody() {
    JavalinTest.test(app(), (server, client) -> {
      for (String path : List.of("/health", "/ready", "/metrics", "/openapi.json", "/things/t-1")) {
        HttpResponse<String> head = send(client, "HEAD", path, null);
        HttpResponse<String> get = send(client, "GET", path, null);

        assertThat(head.statusCode()).as(path).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
        assertThat(head.body()).as(path).isEmpty();
        assertThat(get.body()).as(path).isNotEmpty();
      }
    });
  }

  @Test
  void healthIsUp() {
    JavalinTest.test(app(), (server, client) -> {
      Response health = client.get("/health");

      assertThat(health.code()).isEqualTo(200);
      assertThat(health.headers().get("Content-Type").get(0)).startsWith("application/json");
      assertThat(Json.MAPPER.readTree(health.body().string())).isEqualTo(Json.MAPPER.readTree("{\"status\":\"UP\"}"));
    });
  }

  @Test
  void readyIs200WithTheChecksOrA503ProblemWithRetryAfterTheDetailAndTheChecks() {
    JavalinTest.test(app(), (server, client) -> {
      Response up = client.get("/ready");
      assertThat(up.code()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(up.body().string()))
          .isEqualTo(Json.MAPPER.readTree("{\"status\":\"UP\",\"checks\":{\"database\":\"UP\"}}"));

      readiness = Readiness.down("database: does not answer", Map.of("database", "DOWN"));
      Response down = client.get("/ready");
      JsonNode problem = assertProblem(down, 503, "database: does not answer");
      assertThat(down.headers().get("Retry-After")).containsExactly("1");
      assertThat(problem.get("checks")).isEqualTo(Json.MAPPER.readTree("{\"database\":\"DOWN\"}"));
    });
  }

  @Test
  void metricsAreAPrometheusScrapeWithEveryRequestTimedByRouteTemplate() {
    JavalinTest.test(app(), (server, client) -> {
      client.get("/things/t-1");
      client.get("/nowhere");

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        Response scrape = client.get("/metrics");
        assertThat(scrape.code()).isEqualTo(200);
        assertThat(scrape.headers().get("Content-Type")).containsExactly(HttpPlumbing.METRICS_CONTENT_TYPE);
        assertThat(scrape.body().string()).contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/things/{id}\",status=\"200\"} 1",
            "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1");
      });
    });
  }

  @Test
  void theOpenApiDocumentIsServedAsItIs() {
    JavalinTest.test(app(), (server, client) -> {
      Response answer = client.get("/openapi.json");

      assertThat(answer.code()).isEqualTo(200);
      assertThat(answer.headers().get("Content-Type").get(0)).startsWith("application/json");
      assertThat(Json.MAPPER.readTree(answer.body().string())).isEqualTo(Json.MAPPER.readTree(OpenApiDocument.read(OPENAPI)));
    });
  }

  @Test
  void theCallersRequestIdIsEchoedAndAnInvalidOneReplaced() {
    JavalinTest.test(app(), (server, client) -> {
      Response given = client.get("/health", r -> r.header("X-Request-Id", "probe-1"));
      Response replaced = client.get("/nowhere", r -> r.header("X-Request-Id", "not valid!"));

      assertThat(given.headers().get("X-Request-Id")).containsExactly("probe-1");
      assertThat(replaced.headers().get("X-Request-Id")).singleElement().asString()
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    });
  }

  private static JsonNode assertProblem(Response answer, int status, String detail) throws Exception {
    assertThat(answer.code()).as("%s", answer.body().string()).isEqualTo(status);
    assertThat(answer.headers().get("Content-Type")).containsExactly(Replies.PROBLEM_JSON);
    return assertProblemBody(answer.body().string(), status, detail);
  }

  private static JsonNode assertProblem(HttpResponse<String> answer, int status, String detail) throws Exception {
    assertThat(answer.statusCode()).as("%s", answer.body()).isEqualTo(status);
    assertThat(answer.headers().firstValue("Content-Type")).contains(Replies.PROBLEM_JSON);
    return assertProblemBody(answer.body(), status, detail);
  }

  private static JsonNode assertProblemBody(String text, int status, String detail) throws Exception {
    JsonNode body = Json.MAPPER.readTree(text);
    assertThat(body.get("type").asText()).isEqualTo("about:blank");
    assertThat(body.get("title").asText()).isEqualTo(io.javalin.http.HttpStatus.forStatus(status).getMessage());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("detail").asText()).startsWith(detail);
    return body;
  }

  /** A request the test client has no method for (HEAD, PUT without a body), with a body when one is given. */
  private static HttpResponse<String> send(HttpClient client, String method, String path, String body)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(client.getOrigin() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }
}
