package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.http.OpenApiSpec;
import io.stocklog.http.OpenApiSpec.Operation;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.readmodel.SinkConfig;
import io.stocklog.topics.TopicSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The projector's OpenAPI document ({@code openapi/projector.json}) against the running process on a real
 * broker and Postgres: it is valid OpenAPI 3.1, it lists exactly the routes its HTTP server has, its
 * examples are valid, and what the server answers is what it says.
 */
@WithInfra
class OpenApiContractTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  static Path stateDir;

  private static OpenApiSpec spec;
  private static ProjectorService service;

  @BeforeAll
  static void start(TestKafka kafka, TestDatabase db) {
    spec = OpenApiSpec.load(ProjectorApp.OPENAPI);
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

  @Test
  void theDocumentIsValidOpenApi31() {
    assertThat(spec.root.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(spec.root.at("/servers/0/url").asText()).isEqualTo("http://localhost:8083");
    assertThat(spec.parserMessages()).isEmpty();
  }

  @Test
  void theProcessServesTheDocumentAtOpenapiJson() throws Exception {
    HttpResponse<String> answer = send("GET", "/openapi.json");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(Json.MAPPER.readTree(answer.body())).isEqualTo(spec.root);
  }

  @Test
  void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() {
    spec.assertServedExactlyBy(service);
  }

  @Test
  void everyExampleIsValidAgainstItsSchema() {
    spec.assertEveryExampleValid(5);
  }

  static Stream<Operation> operations() {
    return OpenApiSpec.load(ProjectorApp.OPENAPI).operations().stream();
  }

  /** Readiness may still be a documented 503 while the Streams application starts; then it must become 200. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void everyOperationAnswersAsDocumented(Operation op) throws Exception {
    HttpResponse<String> first = send(op.method(), op.path());
    assertThat(spec.undocumented(op, first)).isEmpty();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      HttpResponse<String> answer = send(op.method(), op.path());
      assertThat(answer.statusCode()).as("%s %s", answer, answer.body()).isEqualTo(200);
      assertThat(spec.undocumented(op, answer)).isEmpty();
    });
  }

  @Test
  void anUnknownPathAndAWrongMethodAreTheDocumentedProblems() throws Exception {
    HttpResponse<String> unknown = send("GET", "/nowhere");
    HttpResponse<String> wrongMethod = send("PUT", "/health");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(spec.undocumented(spec.at("/components/responses/NotFound"), unknown)).isEmpty();
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow").orElseThrow().split(", "))
        .containsExactlyInAnyOrder("GET", "HEAD");
    assertThat(spec.undocumented(spec.at("/components/responses/MethodNotAllowed"), wrongMethod)).isEmpty();
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
