package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.http.RawHttp;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.readmodel.ReadModelWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query service over real HTTP on a free port, against a real Postgres read model. */
@WithInfra
class QueryServiceTest {

  static final int PARTITIONS = 12;
  static final SkuPartitioner PARTITIONER = new SkuPartitioner(PARTITIONS);
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static QueryService service;
  private static ReadModelWriter writer;

  @BeforeAll
  static void start(TestDatabase db) throws Exception {
    service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, PARTITIONS));
    writer = new ReadModelWriter(db.dataSource());
    String sku = "apple";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(
        outcome("apple", "r-1", Decision.RECEIVED, null, 10, 10, 0, null, p, 5),
        outcome("apple", "o-1", Decision.HELD, null, 3, 10, 3, T0.plusSeconds(600), p, 6),
        outcome("apple", "o-2", Decision.REJECTED, Reason.OUT_OF_STOCK, 50, 10, 3, null, p, 7),
        outcome("pear", "r-2", Decision.RECEIVED, null, 4, 4, 0, null, PARTITIONER.partitionOf("pear"), 2)));
  }

  @AfterAll
  static void stop() {
    service.close();
    service.close();
  }

  static Outcome outcome(String sku, String subject, Decision decision, Reason reason, long qty, long onHand,
      long reserved, Instant expiresAt, int partition, long offset) {
    String type = switch (decision) {
      case RECEIVED -> "StockReceived";
      case HELD, REJECTED -> "ReservationRequested";
      default -> "ReservationConfirmed";
    };
    return new Outcome("e-" + partition + "-" + offset, type, sku, subject, decision, reason, qty, onHand,
        reserved, expiresAt, false, T0.plusSeconds(offset), new Position(partition, offset).token());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void skuAnswersStockWithFreshnessInHeadersAndBody() throws Exception {
    int p = PARTITIONER.partitionOf("apple");
    HttpResponse<String> r = get("/skus/apple");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json(r);
    assertThat(body.get("sku").asText()).isEqualTo("apple");
    assertThat(body.get("onHand").asLong()).isEqualTo(10);
    assertThat(body.get("reserved").asLong()).isEqualTo(3);
    assertThat(body.get("available").asLong()).isEqualTo(7);
    // The row is as the hold at 6 left it (the rejection at 7 changed nothing); the read model has applied 7.
    assertThat(body.get("position").asText()).isEqualTo(p + "-6");
    assertThat(body.get("updatedAt").asText()).isEqualTo(T0.plusSeconds(6).toString());
    assertThat(body.at("/freshness/position").asText()).isEqualTo(p + "-7");
    assertThat(body.at("/freshness/ageMs").isIntegralNumber()).isTrue();
    assertThat(body.at("/freshness/behind").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("X-Read-Model-Position")).contains(p + "-7");
    assertThat(r.headers().firstValue("X-Read-Model-Age-Ms")).isPresent();
  }

  @Test
  void skusAnswersManyAndListsTheMissing() throws Exception {
    HttpResponse<String> r = get("/skus?ids=pear,apple,ghost,apple");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("skus").findValuesAsText("sku")).containsExactlyInAnyOrder("apple", "pear");
    assertThat(body.get("missing").get(0).asText()).isEqualTo("ghost");
    assertThat(body.get("missing")).hasSize(1);
    assertThat(body.at("/freshness/behind").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("X-Read-Model-Position")).isPresent();
  }

  @Test
  void reservationAnswersStatusAndTheReasonOfARejection() throws Exception {
    JsonNode held = json(get("/skus/apple/reservations/o-1"));
    assertThat(held.get("orderId").asText()).isEqualTo("o-1");
    assertThat(held.get("sku").asText()).isEqualTo("apple");
    assertThat(held.get("quantity").asLong()).isEqualTo(3);
    assertThat(held.get("status").asText()).isEqualTo("HELD");
    assertThat(held.get("expiresAt").asText()).isEqualTo(T0.plusSeconds(600).toString());
    assertThat(held.has("rejectReason")).isFalse();
    assertThat(held.has("freshness")).isTrue();

    HttpResponse<String> r = get("/skus/apple/reservations/o-2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("REJECTED");
    assertThat(json(r).get("rejectReason").asText()).isEqualTo("OUT_OF_STOCK");
    assertThat(json(r).get("expiresAt").isNull()).as("a refused request never held anything").isTrue();
  }

  @Test
  void unknownSkuReservationAndRouteAreProblems() throws Exception {
    for (String path : List.of("/skus/ghost", "/skus/apple/reservations/nope", "/nowhere", "/skus/a/b")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
          v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(json(r).get("status").asInt()).isEqualTo(404);
      assertThat(json(r).get("title").asText()).isNotBlank();
    }
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + service.port() + "/skus/apple"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isIn(404, 405);
    assertThat(post.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/problem+json"));
  }

  @ParameterizedTest(name = "{0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "/skus/bad%20sku | sku",
      "/skus/bad$sku | sku",
      "/skus/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | sku",
      "/skus/apple/reservations/o%2A1 | orderId",
      "/skus?ids=apple,b%20ad | ids",
      "/skus?ids=apple,,pear | ids",
      "/skus?ids= | ids",
      "/skus | ids",
      "/skus/apple?wait=31 | wait",
      "/skus/apple?minPosition=0-1&wait=abc | wait",
      "/skus/apple?wait=-1 | wait",
      "/skus/apple?minPosition=garbage | minPosition",
      "/skus/apple?minPosition=1--2 | minPosition",
      "/skus/apple?minPosition=99-5 | partition 99 does not exist",
      "/skus/apple?minPosition=12-0 | partition 12 does not exist",
      "/skus/apple?minPosition=0-1&minPosition=0-2 | minPosition must be given once",
      "/skus?ids=apple&ids=pear | ids must be given once",
      "/skus/apple?wait=1&wait=2 | wait must be given once",
  })
  void badInputIsA400NamingTheField(String path, String field) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = json(r);
    assertThat(body.get("status").asInt()).isEqualTo(400);
    assertThat(body.get("detail").asText()).contains(field);
  }

  @Test
  void moreThanAHundredIdsIsA400() throws Exception {
    String ids = String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "s" + i).toList());
    HttpResponse<String> r = get("/skus?ids=" + ids);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("detail").asText()).contains("ids");
  }

  @Test
  void minPositionAnswersAsSoonAsTheReadModelCatchesUp() throws Exception {
    String sku = "kiwi";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(outcome(sku, "r-k", Decision.RECEIVED, null, 1, 1, 0, null, p, 100)));
    CompletableFuture<Void> sinkCatchesUp = CompletableFuture.runAsync(() -> {
      try {
        writer.apply(List.of(outcome(sku, "r-k2", Decision.RECEIVED, null, 2, 3, 0, null, p, 101)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

    long started = System.nanoTime();
    HttpResponse<String> r = get("/skus/" + sku + "?minPosition=" + p + "-101&wait=2");
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    sinkCatchesUp.join();

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("onHand").asLong()).as("the caller sees its own write").isEqualTo(3);
    assertThat(body.at("/freshness/behind").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("X-Read-Model-Behind")).contains("false");
    assertThat(tookMs).as("returned on catching up, not at the limit").isLessThan(1_900);
  }

  @Test
  void minPositionThatIsNeverReachedAnswersBehindAfterTheWait() throws Exception {
    int p = PARTITIONER.partitionOf("apple");
    HttpResponse<String> r = get("/skus/apple?minPosition=" + p + "-999999&wait=1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).at("/freshness/behind").asBoolean()).isTrue();
    assertThat(r.headers().firstValue("X-Read-Model-Behind")).contains("true");
    assertThat(json(r).get("onHand").asLong()).isEqualTo(10);

    HttpResponse<String> missing = get("/skus/apple/reservations/o-new?minPosition=" + p + "-999999&wait=0");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("detail").asText()).contains("behind");
  }

  @Test
  void metricsShowTheReadModelsAgeForEveryPartitionAndThePool() throws Exception {
    String metrics = get("/metrics").body();

    for (int partition = 0; partition < PARTITIONS; partition++) {
      assertThat(metrics).contains("stocklog_read_model_age_seconds{partition=\"" + partition + "\"} ");
    }
    assertThat(metrics)
        .as("an applied partition's age is a number of seconds, not NaN")
        .containsPattern("stocklog_read_model_age_seconds\\{partition=\"" + PARTITIONER.partitionOf("apple")
            + "\"} [0-9]+\\.[0-9]")
        .contains("hikaricp_connections_active{pool=\"query-read-model\"} ")
        .contains("hikaricp_connections_acquire_seconds_count{pool=\"query-read-model\"} ");
  }

  @Test
  void everyAnswerCarriesTheCallersRequestIdOrANewOne() throws Exception {
    HttpResponse<String> given = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + service.port() + "/skus/apple")).header("X-Request-Id", "store-7.abc")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> made = get("/skus/ghost");

    assertThat(given.headers().firstValue("X-Request-Id")).contains("store-7.abc");
    assertThat(made.statusCode()).isEqualTo(404);
    assertThat(made.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
  }

  @Test
  void healthReadyAndMetricsAnswer() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(json(get("/health")).get("status").asText()).isEqualTo("UP");
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    get("/skus/apple");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds_count")
        .contains("route=\"/skus/{sku}\"");
  }

  @ParameterizedTest(name = "{0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "/skus/apple?minPosition=%zz | minPosition has an invalid percent-encoding",
      "/skus/apple?minPosition=0-1%C3 | minPosition is not valid UTF-8",
      "/skus?ids=%zz | ids has an invalid percent-encoding",
      "/skus?ids=apple%2 | ids has an invalid percent-encoding",
      "/skus/apple/reservations/o-1?wait=%zz | wait has an invalid percent-encoding",
  })
  void anUndecodableParameterIsA400NamingItNotDropped(String path, String detail) {
    RawHttp.Answer r = RawHttp.send(service.port(), "GET " + path + " HTTP/1.1");

    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asText()).contains(detail);
  }

  @Test
  void headIsGetWithoutTheBodyFreshnessHeadersIncluded() throws Exception {
    HttpResponse<String> get = get("/skus/apple");
    RawHttp.Answer head = RawHttp.send(service.port(), "HEAD /skus/apple HTTP/1.1");

    assertThat(head.status()).as("%s", head).isEqualTo(200);
    assertThat(head.header("Content-Type")).startsWith("application/json");
    assertThat(head.header("Content-Length")).isEqualTo(get.headers().firstValue("Content-Length").orElseThrow());
    assertThat(head.header("X-Read-Model-Position")).isEqualTo(PARTITIONER.partitionOf("apple") + "-7");
    assertThat(head.header("X-Read-Model-Age-Ms")).isNotNull();
    assertThat(head.header("X-Read-Model-Behind")).isEqualTo("false");
    assertThat(head.body()).isEmpty();
    assertThat(RawHttp.send(service.port(), "HEAD /skus/ghost HTTP/1.1").status()).isEqualTo(404);
  }

  @Test
  void aWrongMethodIsA405ProblemWithAnAllowHeader() throws Exception {
    for (String path : List.of("/skus/apple", "/skus", "/health")) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
          .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).as(path).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).as(path).hasValueSatisfying(
          allow -> assertThat(allow.split(", ")).containsExactlyInAnyOrder("GET", "HEAD"));
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(json(r).get("detail").asText()).contains("DELETE").contains(path);
    }
  }

  @Test
  void anUnknownRouteIs404NamingMethodAndPath() throws Exception {
    assertThat(json(get("/nowhere")).get("detail").asText()).isEqualTo("no such resource: GET /nowhere");
  }
}
