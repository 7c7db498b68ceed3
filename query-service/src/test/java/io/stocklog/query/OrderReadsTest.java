package io.stocklog.query;

import static io.stocklog.query.QueryServiceTest.PARTITIONER;
import static io.stocklog.query.QueryServiceTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import io.stocklog.readmodel.ReadModelWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /orders/{orderId}} over real HTTP against a real Postgres read model: the order and its lines, the
 * freshness of the order's own partition, read-your-writes through the watcher, ETag and If-None-Match,
 * Cache-Control, and the problems.
 */
@WithInfra
class OrderReadsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Instant DEADLINE = T0.plusSeconds(300);
  private static QueryService service;
  private static ReadModelWriter writer;
  private static CountingDataSource counted;

  @BeforeAll
  static void start(TestDatabase db) throws Exception {
    service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, 12),
        pool -> counted = new CountingDataSource(pool));
    writer = new ReadModelWriter(db.dataSource());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** An order's outcome in its order ID's partition, as the coordinator publishes it. */
  private static OrderOutcome order(String orderId, Decision decision, Reason reason, OrderStatus status,
      Instant expiresAt, List<OrderOutcome.Line> lines, long offset) {
    return new OrderOutcome("e-" + offset, "OrderPlaced", orderId, decision, reason, status, expiresAt, lines,
        false, T0.plusSeconds(offset), new Position(PARTITIONER.partitionOf(orderId), offset).token());
  }

  private static List<OrderOutcome.Line> lines(ReservationStatus status) {
    return List.of(new OrderOutcome.Line("apple", 2, status, null, null),
        new OrderOutcome.Line("pear", 1, status, null, null));
  }

  @Test
  void aHeldOrderIsItsLinesWithTheFreshnessOfItsOwnPartition() throws Exception {
    writer.apply(List.of(), List.of(order("cart-held", Decision.HELD, null, OrderStatus.HELD, DEADLINE,
        lines(ReservationStatus.HELD), 20)));
    int p = PARTITIONER.partitionOf("cart-held");

    HttpResponse<String> r = get("/orders/cart-held");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).isEqualTo(Json.MAPPER.readTree("""
        {"orderId":"cart-held","status":"HELD","expiresAt":"%s","lines":[
          {"sku":"apple","quantity":2,"status":"HELD"},{"sku":"pear","quantity":1,"status":"HELD"}],
         "position":"%d-20","updatedAt":"%s","freshness":%s}
        """.formatted(DEADLINE, p, T0.plusSeconds(20), json(r).get("freshness"))));
    assertThat(json(r).at("/freshness/position").asText()).isEqualTo(p + "-20");
    assertThat(json(r).at("/freshness/behind").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("X-Read-Model-Position")).contains(p + "-20");
    assertThat(r.headers().firstValue("X-Read-Model-Age-Ms")).isPresent();
    assertThat(r.headers().firstValue("Cache-Control")).contains("private, no-cache");
  }

  @Test
  void aRejectedOrderNamesItsReasonAndEveryShortLineWithWhatWasAvailable() throws Exception {
    List<OrderOutcome.Line> refused = List.of(new OrderOutcome.Line("apple", 2, ReservationStatus.CANCELLED, null,
        null), new OrderOutcome.Line("pear", 9, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 4L));
    writer.apply(List.of(), List.of(order("cart-short", Decision.REJECTED, Reason.OUT_OF_STOCK,
        OrderStatus.REJECTED, null, refused, 21)));

    JsonNode body = json(get("/orders/cart-short"));

    assertThat(body.get("status").asText()).isEqualTo("REJECTED");
    assertThat(body.get("rejectReason").asText()).isEqualTo("OUT_OF_STOCK");
    assertThat(body.get("expiresAt").isNull()).isTrue();
    assertThat(body.get("lines")).isEqualTo(Json.MAPPER.readTree("""
        [{"sku":"apple","quantity":2,"status":"CANCELLED"},
         {"sku":"pear","quantity":9,"status":"REJECTED","reason":"OUT_OF_STOCK","available":4}]"""));
  }

  @Test
  void aPendingOrderIsReadableAndReadYourWritesWaitsForItsDecisionWithoutPolling() throws Exception {
    String id = "cart-ryw";
    int p = PARTITIONER.partitionOf(id);
    writer.apply(List.of(), List.of(order(id, Decision.PENDING, null, OrderStatus.PENDING, null, lines(null), 30)));
    JsonNode pending = json(get("/orders/" + id));
    assertThat(pending.get("status").asText()).isEqualTo("PENDING");
    assertThat(pending.get("lines")).allSatisfy(l -> assertThat(l.get("status").isNull()).isTrue());
    await().atMost(Duration.ofSeconds(10)).until(() -> service.watcher().rounds() >= 2);

    long statementsBefore = counted.statements();
    CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return get("/orders/" + id + "?minPosition=" + p + "-31&wait=20");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters().waiting() == 1);
    assertThat(counted.statements() - statementsBefore).as("statements while the caller waits").isZero();
    writer.apply(List.of(), List.of(order(id, Decision.HELD, null, OrderStatus.HELD, DEADLINE,
        lines(ReservationStatus.HELD), 31)));

    HttpResponse<String> r = answer.get();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).as("the caller sees the decision it waited for").isEqualTo("HELD");
    assertThat(r.headers().firstValue("X-Read-Model-Behind")).contains("false");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(counted.statements() - statementsBefore).as("one read once woken").isEqualTo(1);
  }

  @Test
  void theTagIsTheRowsPositionAndACurrentOneIsA304() throws Exception {
    String id = "cart-tag";
    writer.apply(List.of(), List.of(order(id, Decision.HELD, null, OrderStatus.HELD, DEADLINE,
        lines(ReservationStatus.HELD), 40)));
    String tag = get("/orders/" + id).headers().firstValue("ETag").orElseThrow();
    assertThat(tag).startsWith("W/");

    HttpResponse<String> same = get("/orders/" + id, "If-None-Match", tag);
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(same.headers().firstValue("Cache-Control")).contains("private, no-cache");

    writer.apply(List.of(), List.of(order(id, Decision.CONFIRMED, null, OrderStatus.CONFIRMED, DEADLINE,
        lines(ReservationStatus.CONFIRMED), 41)));
    HttpResponse<String> changed = get("/orders/" + id, "If-None-Match", tag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(json(changed).get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(tag));
  }

  @Test
  void anOrderNeverSeenIsA404ProblemSayingWhenTheReadModelIsBehind() throws Exception {
    HttpResponse<String> r = get("/orders/cart-none");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(r).get("detail").asText()).contains("order cart-none");

    int p = PARTITIONER.partitionOf("cart-none");
    HttpResponse<String> behind = get("/orders/cart-none?minPosition=" + p + "-999999&wait=0");
    assertThat(behind.statusCode()).isEqualTo(404);
    assertThat(json(behind).get("detail").asText()).contains("behind");
    assertThat(behind.headers().firstValue("X-Read-Model-Behind")).contains("true");
  }

  @ParameterizedTest(name = "{0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "/orders/cart%2A1 | orderId",
      "/orders/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | orderId",
      "/orders/cart-1?wait=31 | wait",
      "/orders/cart-1?minPosition=garbage | minPosition",
  })
  void badInputIsA400NamingTheField(String path, String field) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("detail").asText()).contains(field);
  }
}
