package io.stocklog.query;

import static io.stocklog.query.QueryServiceTest.PARTITIONER;
import static io.stocklog.query.QueryServiceTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.outcomes.Decision;
import io.stocklog.readmodel.ReadModelWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ETag, If-None-Match and Cache-Control over real HTTP against a real Postgres read model. */
@WithInfra
class ConditionalReadsTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();
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

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A SKU of partition p other than {@code sku}, so changes to it move the partition but not the SKU. */
  static String neighbour(String sku) {
    int p = PARTITIONER.partitionOf(sku);
    for (int i = 0; ; i++) {
      String other = "n" + i;
      if (PARTITIONER.partitionOf(other) == p && !other.equals(sku)) {
        return other;
      }
    }
  }

  @Test
  void theTagChangesExactlyWhenTheSkusRowDoes() throws Exception {
    String sku = "etag-a";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(outcome(sku, "r-1", Decision.RECEIVED, null, 5, 5, 0, null, p, 10)));
    HttpResponse<String> first = get("/skus/" + sku);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("ETag")).contains("W/\"" + p + "-10\"");

    // Another SKU of the same partition moves the partition's position, not this SKU's tag.
    writer.apply(List.of(outcome(neighbour(sku), "r-2", Decision.RECEIVED, null, 1, 1, 0, null, p, 11)));
    // A plain read answers from the watcher's last round, milliseconds behind the database: wait for it.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        get("/skus/" + sku).headers().firstValue("X-Read-Model-Position")).contains(p + "-11"));
    HttpResponse<String> same = get("/skus/" + sku);
    assertThat(same.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));

    writer.apply(List.of(outcome(sku, "r-3", Decision.RECEIVED, null, 2, 7, 0, null, p, 12)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        get("/skus/" + sku).headers().firstValue("X-Read-Model-Position")).contains(p + "-12"));
    assertThat(get("/skus/" + sku).headers().firstValue("ETag")).contains("W/\"" + p + "-12\"");
  }

  @Test
  void aCurrentTagIsA304WithoutABodyAndAnOldOneTheNewAnswer() throws Exception {
    String sku = "etag-b";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(outcome(sku, "r-1", Decision.RECEIVED, null, 5, 5, 0, null, p, 20)));
    String tag = get("/skus/" + sku).headers().firstValue("ETag").orElseThrow();

    for (String ifNoneMatch : List.of(tag, "\"" + p + "-20\"", "W/\"x\", " + tag, "*")) {
      HttpResponse<String> r = get("/skus/" + sku, "If-None-Match", ifNoneMatch);
      assertThat(r.statusCode()).as(ifNoneMatch).isEqualTo(304);
      assertThat(r.body()).as("a 304 has no body").isEmpty();
      assertThat(r.headers().firstValue("ETag")).contains(tag);
      assertThat(r.headers().firstValue("Cache-Control")).contains("public, max-age=1");
      // A cache refreshes its stored headers from a 304 (RFC 9111 4.3.4): a text/plain here would turn the JSON
      // it holds into text for everyone it serves it to.
      assertThat(r.headers().firstValue("Content-Type")).as("a 304's Content-Type")
          .satisfiesAnyOf(v -> assertThat(v).isEmpty(), v -> assertThat(v).contains("application/json"));
    }
    writer.apply(List.of(outcome(sku, "r-2", Decision.RECEIVED, null, 1, 6, 0, null, p, 21)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<String> changed = get("/skus/" + sku, "If-None-Match", tag);
      assertThat(changed.statusCode()).isEqualTo(200);
      assertThat(changed.body()).contains("\"onHand\":6");
      assertThat(changed.headers().firstValue("ETag")).contains("W/\"" + p + "-21\"");
    });
  }

  @Test
  void aHotSkusTagCheckCostsNoStatement() throws Exception {
    String sku = "etag-c";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(outcome(sku, "r-1", Decision.RECEIVED, null, 5, 5, 0, null, p, 30)));
    String tag = get("/skus/" + sku).headers().firstValue("ETag").orElseThrow();
    // Once the watcher's round has passed the read that put the row in the views, checks are answered from them.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      long before = counted.statements();
      return get("/skus/" + sku, "If-None-Match", tag).statusCode() == 304 && counted.statements() == before;
    });
    long before = counted.statements();
    for (int i = 0; i < 50; i++) {
      assertThat(get("/skus/" + sku, "If-None-Match", tag).statusCode()).isEqualTo(304);
    }
    assertThat(counted.statements() - before).as("statements for 50 tag checks of a hot SKU").isZero();
  }

  @Test
  void readYourWritesAnswersAreNotStoredAndTheOthersAreCacheable() throws Exception {
    String sku = "etag-d";
    int p = PARTITIONER.partitionOf(sku);
    writer.apply(List.of(outcome(sku, "r-1", Decision.RECEIVED, null, 5, 5, 0, null, p, 40)));
    assertThat(get("/skus/" + sku).headers().firstValue("Cache-Control")).contains("public, max-age=1");
    assertThat(get("/skus/" + sku + "?minPosition=" + p + "-40&wait=1").headers().firstValue("Cache-Control"))
        .contains("no-store");
    assertThat(get("/skus?ids=" + sku).headers().firstValue("Cache-Control")).contains("public, max-age=1");
    assertThat(get("/skus?ids=" + sku).headers().firstValue("ETag")).isPresent();
    String many = get("/skus?ids=" + sku).headers().firstValue("ETag").orElseThrow();
    assertThat(get("/skus?ids=" + sku, "If-None-Match", many).statusCode()).isEqualTo(304);
    // Behind: the wait ran out before the position. The caller's copy is still the current row, so a 304, which
    // says it is behind.
    String tag = get("/skus/" + sku).headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> behind = get("/skus/" + sku + "?minPosition=" + p + "-99&wait=0", "If-None-Match", tag);
    assertThat(behind.statusCode()).isEqualTo(304);
    assertThat(behind.headers().firstValue("X-Read-Model-Behind")).contains("true");
    assertThat(behind.headers().firstValue("Cache-Control")).contains("no-store");
    HttpResponse<String> full = get("/skus/" + sku + "?minPosition=" + p + "-99&wait=0");
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.headers().firstValue("X-Read-Model-Behind")).contains("true");
  }
}
