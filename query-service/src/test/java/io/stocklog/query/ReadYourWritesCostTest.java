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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The watcher wakes read-your-writes waiters without a statement per waiter: counted, not timed. The watcher's
 * fallback poll is set to a minute, so every round in the test is one the sink's notice caused.
 */
@WithInfra
class ReadYourWritesCostTest {

  static final int WAITERS = 300;

  @Test
  void manyWaitersCostNoStatementWhileTheyWaitAndOneReadEachWhenWoken(TestDatabase db) throws Exception {
    CountingDataSource[] counted = new CountingDataSource[1];
    QueryConfig config = new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, 12)
        .withStreams(10, 15_000, 60_000);
    try (QueryService service = QueryService.start(config, pool -> counted[0] = new CountingDataSource(pool))) {
      ReadModelWriter writer = new ReadModelWriter(db.dataSource());
      String sku = "ryw";
      int p = PARTITIONER.partitionOf(sku);
      writer.apply(List.of(outcome(sku, "r-1", Decision.RECEIVED, null, 5, 5, 0, null, p, 1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> service.watcher().rounds() >= 2);

      HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
          .build();
      long statementsBefore = counted[0].statements();
      long roundsBefore = service.watcher().rounds();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < WAITERS; i++) {
        answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + service.port() + "/skus/" + sku + "?minPosition=" + p + "-2&wait=30"))
            .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> service.waiters().waiting() == WAITERS);
      Thread.sleep(500);
      assertThat(counted[0].statements() - statementsBefore).as("statements while %d callers wait", WAITERS).isZero();
      assertThat(service.watcher().rounds() - roundsBefore).as("watcher rounds while nothing is applied").isZero();

      writer.apply(List.of(outcome(sku, "r-2", Decision.RECEIVED, null, 1, 6, 0, null, p, 2)));
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Read-Model-Behind")).contains("false");
        assertThat(r.body()).contains("\"onHand\":6");
      }
      assertThat(counted[0].statements() - statementsBefore).as("one read per waiter, nothing more")
          .isEqualTo(WAITERS);
      assertThat(service.watcher().rounds() - roundsBefore).as("rounds: the one batch's notice")
          .isBetween(1L, 2L);
    }
  }
}
