package io.stocklog.query;

import static io.stocklog.query.QueryServiceTest.PARTITIONER;
import static io.stocklog.query.QueryServiceTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.readmodel.ReadModelWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /skus/{sku}/stream} over real HTTP against a real Postgres read model, with a short heartbeat. */
@WithInfra
class StockStreamTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final int MAX_STREAMS = 40;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  private static QueryService service;
  private static ReadModelWriter writer;
  private static CountingDataSource counted;
  private static TestDatabase db;

  @BeforeAll
  static void start(TestDatabase database) {
    db = database;
    QueryConfig config = new QueryConfig(0, db.jdbcUrl(), db.user(), db.password(), 4, 12)
        .withStreams(MAX_STREAMS, 300, 1_000);
    service = QueryService.start(config, pool -> counted = new CountingDataSource(pool));
    writer = new ReadModelWriter(db.dataSource());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /**
   * Offsets grow across the whole class, as they do in a partition of the log (tests share partitions, and the
   * watcher asks for rows past the offsets it saw): each test adds its own offsets to a base above all before.
   */
  private static final java.util.concurrent.atomic.AtomicLong BASE = new java.util.concurrent.atomic.AtomicLong();
  private static long base;

  @org.junit.jupiter.api.BeforeEach
  void nextBase() {
    base = BASE.addAndGet(1_000);
  }

  static void receive(String sku, long offset, long onHand) throws Exception {
    writer.apply(List.of(outcome(sku, "r-" + (base + offset), Decision.RECEIVED, null, 1, onHand, 0, null,
        PARTITIONER.partitionOf(sku), base + offset)));
  }

  /** The token of this test's {@code offset} in partition {@code p}. */
  static String at(int p, long offset) {
    return p + "-" + (base + offset);
  }

  static SseClient stream(String sku, String lastEventId) throws Exception {
    return SseClient.open(service.port(), "/skus/" + sku + "/stream", lastEventId);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
        .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON without its age, which moves by the millisecond. */
  static JsonNode withoutAge(String json) throws Exception {
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(json);
    ((ObjectNode) node.get("freshness")).remove("ageMs");
    return node;
  }

  @Test
  void theCurrentViewFirstThenEachChangeInOrderAndHeartbeats() throws Exception {
    String sku = "s-order";
    int p = PARTITIONER.partitionOf(sku);
    receive(sku, 10, 1);
    try (SseClient s = stream(sku, null)) {
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.response.headers().firstValue("Content-Type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(s.response.headers().firstValue("Cache-Control")).contains("no-store");
      SseClient.Message first = s.nextEvent(WAIT);
      assertThat(first.id()).isEqualTo(at(p, 10));
      assertThat(withoutAge(first.data())).isEqualTo(withoutAge(get("/skus/" + sku).body()));

      receive("other", 11, 1);
      List<String> ids = new ArrayList<>();
      List<Long> onHand = new ArrayList<>();
      for (int offset = 12; offset <= 14; offset++) {
        receive(sku, offset, offset - 10);
        SseClient.Message m = s.nextEvent(WAIT);
        assertThat(m).as("events so far: %s", ids).isNotNull();
        ids.add(m.id());
        onHand.add(Json.MAPPER.readTree(m.data()).get("onHand").asLong());
      }
      assertThat(ids).containsExactly(at(p, 12), at(p, 13), at(p, 14));
      assertThat(onHand).containsExactly(2L, 3L, 4L);

      // Changes committed faster than the watcher's rounds: ids only grow, and the last is the latest row.
      for (int offset = 15; offset <= 24; offset++) {
        receive(sku, offset, offset - 10);
      }
      long last = 14;
      while (last < 24) {
        SseClient.Message m = s.nextEvent(WAIT);
        assertThat(m).as("after %s", last).isNotNull();
        long offset = Long.parseLong(m.id().substring(m.id().indexOf('-') + 1)) - base;
        assertThat(offset).isGreaterThan(last);
        last = offset;
      }
      SseClient.Message heartbeat = s.next(WAIT);
      assertThat(heartbeat).isNotNull();
      assertThat(heartbeat.isComment()).as("a comment when nothing changes").isTrue();
    }
  }

  @Test
  void lastEventIdResumesWithoutAGapAndWithoutARepeat() throws Exception {
    String sku = "s-resume";
    int p = PARTITIONER.partitionOf(sku);
    receive(sku, 20, 1);
    String seen;
    try (SseClient s = stream(sku, null)) {
      seen = s.nextEvent(WAIT).id();
    }
    receive(sku, 21, 2);
    receive(sku, 22, 3);
    try (SseClient s = stream(sku, seen)) {
      // The current view at once (as of the watcher's last round: 21 or 22), never the event already seen, then
      // whatever is newer, up to the latest.
      long last = Long.parseLong(seen.substring(seen.indexOf('-') + 1));
      SseClient.Message resumed;
      do {
        resumed = s.nextEvent(WAIT);
        assertThat(resumed).as("after %s", last).isNotNull();
        long offset = Long.parseLong(resumed.id().substring(resumed.id().indexOf('-') + 1));
        assertThat(offset).as("no repeat, no going back").isGreaterThan(last);
        last = offset;
      } while (!resumed.id().equals(at(p, 22)));
      assertThat(Json.MAPPER.readTree(resumed.data()).get("onHand").asLong()).isEqualTo(3);
    }
    try (SseClient s = stream(sku, at(p, 22))) {
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.next(WAIT).isComment()).as("up to date: nothing to send but a comment").isTrue();
      receive(sku, 23, 4);
      assertThat(s.nextEvent(WAIT).id()).isEqualTo(at(p, 23));
    }
    assertThat(stream(sku, "not-a-position").status()).isEqualTo(400);
    assertThat(stream("s-never", null).status()).isEqualTo(404);
  }

  @Test
  void manyStreamsShareTheWatchersFeedWithoutAQueryEach() throws Exception {
    String sku = "s-shared";
    int p = PARTITIONER.partitionOf(sku);
    receive(sku, 30, 1);
    assertThat(get("/skus/" + sku).statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> service.watcher().rounds() > 2 && service.streams().open() == 0);
    long before = counted.statements();
    List<SseClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        streams.add(stream(sku, null));
      }
      for (SseClient s : streams) {
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.nextEvent(WAIT).id()).isEqualTo(at(p, 30));
      }
      receive(sku, 31, 2);
      for (SseClient s : streams) {
        assertThat(s.nextEvent(WAIT).id()).isEqualTo(at(p, 31));
      }
      assertThat(counted.statements() - before).as("statements for 20 streams' first views and a change")
          .isZero();
    } finally {
      streams.forEach(SseClient::close);
    }
  }

  @Test
  void pastTheCapA503WithRetryAfterAndOrdinaryReadsStillAnswer() throws Exception {
    String sku = "s-flood";
    receive(sku, 40, 1);
    await().atMost(WAIT).until(() -> service.streams().open() == 0);
    List<SseClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_STREAMS; i++) {
        SseClient s = stream(sku, null);
        assertThat(s.status()).isEqualTo(200);
        streams.add(s);
      }
      for (int i = 0; i < 10; i++) {
        SseClient refused = stream(sku, null);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.response.headers().firstValue("Retry-After")).contains(StockStream.RETRY_AFTER_SECONDS);
        assertThat(refused.response.headers().firstValue("Content-Type")).hasValueSatisfying(
            v -> assertThat(v).startsWith("application/problem+json"));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(get("/skus/" + sku).statusCode()).as("ordinary reads during the flood").isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(200);
      }
    } finally {
      streams.forEach(SseClient::close);
    }
    await().atMost(WAIT).until(() -> service.streams().open() == 0);
  }

  @Test
  void aPostgresOutageLeavesStreamsOpenAndTheChangesMadeMeanwhileArriveAfter() throws Exception {
    String sku = "s-outage";
    int p = PARTITIONER.partitionOf(sku);
    receive(sku, 50, 1);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(db.jdbcUrl());
    hc.setUsername(db.user());
    hc.setPassword(db.password());
    hc.setMaximumPoolSize(1);
    hc.setMinimumIdle(1);
    // A writer whose connection is open before the outage, like a sink that outlives it.
    try (HikariDataSource survivor = new HikariDataSource(hc); SseClient s = stream(sku, null)) {
      ReadModelWriter sink = new ReadModelWriter(survivor);
      assertThat(s.nextEvent(WAIT).id()).isEqualTo(at(p, 50));
      admin("alter database " + db.name() + " allow_connections false");
      try {
        admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + db.name()
            + "' and application_name = '" + AppliedWatcher.APPLICATION_NAME + "'");
        await().atMost(WAIT).until(() -> !service.watcher().live());
        sink.apply(List.of(outcome(sku, "r-51", Decision.RECEIVED, null, 1, 2, 0, null, p, base + 51)));
        sink.apply(List.of(outcome(sku, "r-52", Decision.RECEIVED, null, 1, 3, 0, null, p, base + 52)));
        // While the watcher cannot reconnect the stream stays open and says only that it is alive.
        for (int i = 0; i < 3; i++) {
          SseClient.Message m = s.next(WAIT);
          assertThat(m).isNotNull();
          assertThat(m.isComment()).as("only heartbeats during the outage").isTrue();
        }
        assertThat(service.watcher().live()).isFalse();
      } finally {
        admin("alter database " + db.name() + " allow_connections true");
      }
      SseClient.Message after = s.nextEvent(WAIT);
      assertThat(after.id()).as("the changes made meanwhile, summed up in the latest view").isEqualTo(at(p, 52));
      assertThat(Json.MAPPER.readTree(after.data()).get("onHand").asLong()).isEqualTo(3);
      receive(sku, 53, 4);
      assertThat(s.nextEvent(WAIT).id()).isEqualTo(at(p, 53));
    }
  }

  private static void admin(String sql) throws Exception {
    String adminUrl = db.jdbcUrl().replaceFirst("/" + db.name() + "(\\?|$)", "/postgres$1");
    try (Connection c = DriverManager.getConnection(adminUrl, db.user(), db.password());
         Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
