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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Postgres refusing the service's connections: fast 503s with Retry-After, and recovery after. */
@WithInfra
class QueryServiceOutageTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void postgresDownAnswers503QuicklyAndRecovers(TestDatabase db) throws Exception {
    try (QueryService service = QueryService.start(new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, 12))) {
      assertThat(get(service, "/skus/apple").statusCode()).isEqualTo(404);
      refuseConnections(db, true);
      try {
        for (String path : new String[] {"/skus/apple", "/skus?ids=a,b", "/skus/a/reservations/o", "/ready"}) {
          long started = System.nanoTime();
          HttpResponse<String> r = get(service, path);
          long tookMs = (System.nanoTime() - started) / 1_000_000;
          assertThat(r.statusCode()).as(path).isEqualTo(503);
          assertThat(r.headers().firstValue("Retry-After")).as(path).contains("1");
          assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
              v -> assertThat(v).startsWith("application/problem+json"));
          assertThat(Json.MAPPER.readTree(r.body()).get("status").asInt()).isEqualTo(503);
          assertThat(tookMs).as(path + " answered fast").isLessThan(5_000);
        }
        assertThat(get(service, "/health").statusCode()).isEqualTo(200);
      } finally {
        refuseConnections(db, false);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> get(service, "/ready").statusCode() == 200);
      assertThat(get(service, "/skus/apple").statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(QueryService service, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void refuseConnections(TestDatabase db, boolean refuse) throws SQLException {
    String adminUrl = db.jdbcUrl().replaceFirst("/" + db.name() + "(\\?|$)", "/postgres$1");
    try (Connection c = DriverManager.getConnection(adminUrl, db.user(), db.password());
         Statement s = c.createStatement()) {
      s.execute("alter database " + db.name() + " allow_connections " + !refuse);
      if (refuse) {
        s.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + db.name() + "'");
      }
    }
  }
}
