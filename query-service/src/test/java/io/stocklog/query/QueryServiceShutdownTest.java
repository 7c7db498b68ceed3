package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.junit.jupiter.api.Test;

/** Closing the service lets a request in flight finish instead of cutting it off. */
@WithInfra
class QueryServiceShutdownTest {

  @Test
  void aReadWaitingForItsPositionIsAnsweredWhenTheServiceStops(TestDatabase db) throws Exception {
    QueryService service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, 12));
    // The handler a graceful stop waits on counts the requests in flight.
    GracefulHandler inFlight = service.javalin().jettyServer().server().getDescendant(GracefulHandler.class);
    HttpClient http = HttpClient.newHttpClient();
    // One request first, so the connection and the server's threads are up before the timed part: on a loaded
    // machine the waiting request could otherwise still be connecting when the service closes.
    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/health")).GET()
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.getCurrentRequestCount() == 0);
    // Nothing is ever applied at partition 0 offset 1000, so this read waits its full three seconds.
    CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/skus/apple?minPosition=0-1000&wait=3"))
            .timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    // The only request that can be in flight now is the waiting one: close once the server has it.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> inFlight.getCurrentRequestCount() == 1);
    assertThat(waiting).as("still waiting for its position").isNotDone();
    long closing = System.nanoTime();
    service.close();
    long closeMs = (System.nanoTime() - closing) / 1_000_000;

    HttpResponse<String> answer = waiting.get();
    assertThat(answer.statusCode()).as("the in-flight read got its answer: %s", answer.body()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(answer.body()).get("detail").asText()).contains("behind");
    assertThat(closeMs).as("close waited for the request in flight").isGreaterThan(500);
  }
}
