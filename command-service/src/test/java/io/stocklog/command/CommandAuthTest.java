package io.stocklog.command;

import static io.stocklog.command.CommandServiceTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.topics.TopicSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bearer tokens on the running service, over HTTP against a real broker: one service with auth required, and
 * one in the local stack's {@code local} mode. Every refusal appends nothing.
 */
@WithInfra
class CommandAuthTest {

  private static final AtomicInteger UNIQUE = new AtomicInteger();

  private static TestKafka kafka;
  private static TopicSettings topics;
  private static CommandService required;
  private static CommandService local;

  @BeforeAll
  static void start(TestKafka testKafka) {
    kafka = testKafka;
    topics = TopicSettings.defaults().withPartitions(3)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    CommandConfig config = TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics);
    required = CommandService.start(config);
    local = CommandService.start(config.withAuth(AuthMode.LOCAL, config.apiTokens()));
  }

  @AfterAll
  static void stop() {
    local.close();
    required.close();
  }

  /** A route, a valid body for it (a fresh ID each time), the scope it needs and a token without that scope. */
  record Route(String path, String body, Scope scope, String lacking) {
    String uniquePath() {
      return path.replace("{n}", Integer.toString(UNIQUE.incrementAndGet()));
    }

    String uniqueBody() {
      return body == null ? null : body.replace("{n}", Integer.toString(UNIQUE.incrementAndGet()));
    }

    @Override
    public String toString() {
      return "POST " + path + " (" + scope.configName() + ")";
    }
  }

  static Stream<Route> routes() {
    return Stream.of(
        new Route("/skus/auth-{n}/receipts", "{\"receiptId\":\"r-{n}\",\"quantity\":1}", Scope.STOCK,
            TestTokens.ORDERS),
        new Route("/skus/auth-{n}/adjustments", "{\"adjustmentId\":\"a-{n}\",\"delta\":1,\"reason\":\"recount\"}",
            Scope.OPERATOR, TestTokens.ORDERS_AND_STOCK),
        new Route("/skus/auth-{n}/reservations", "{\"orderId\":\"o-{n}\",\"quantity\":1,\"holdSeconds\":60}",
            Scope.ORDERS, TestTokens.STOCK),
        new Route("/skus/auth-{n}/reservations/o-1/confirm", null, Scope.ORDERS, TestTokens.STOCK),
        new Route("/skus/auth-{n}/reservations/o-1/cancel", null, Scope.ORDERS, TestTokens.STOCK),
        new Route("/skus/auth-{n}/reservations/o-1/extend", "{\"holdSeconds\":60}", Scope.ORDERS, TestTokens.STOCK),
        new Route("/orders", "{\"orderId\":\"o-{n}\",\"holdSeconds\":60,\"lines\":[{\"sku\":\"auth\",\"quantity\":1}]}",
            Scope.ORDERS, TestTokens.STOCK),
        new Route("/orders/o-{n}/confirm", null, Scope.ORDERS, TestTokens.STOCK),
        new Route("/orders/o-{n}/cancel", null, Scope.ORDERS, TestTokens.STOCK),
        new Route("/orders/o-{n}/extend", "{\"holdSeconds\":60}", Scope.ORDERS, TestTokens.STOCK));
  }

  /** The tokens that carry the route's scope: its own, orders+stock where it covers it, and operator. */
  private static List<String> allowed(Route route) {
    return switch (route.scope()) {
      case ORDERS -> List.of(TestTokens.ORDERS, TestTokens.ORDERS_AND_STOCK, TestTokens.OPERATOR);
      case STOCK -> List.of(TestTokens.STOCK, TestTokens.ORDERS_AND_STOCK, TestTokens.OPERATOR);
      case OPERATOR -> List.of(TestTokens.OPERATOR);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void withoutATokenItIs401WithABearerChallengeAndNothingIsAppended(Route route) {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());

    Http.Answer none = new Http(required.port(), null).post(route.uniquePath(), route.uniqueBody());
    Http.Answer wrongScheme = new Http(required.port(), null).post(route.uniquePath(), route.uniqueBody(),
        "Authorization", "Basic dXNlcjpwYXNzd29yZA==");

    assertProblem(none, 401, "needs a bearer token with scope " + route.scope().configName());
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"stocklog\"");
    assertProblem(wrongScheme, 401, "Bearer <token>");
    assertThat(wrongScheme.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"stocklog\"");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void aWrongTokenIs401InvalidTokenAndAWrongScopeIs403NamingTheScopeAndNothingIsAppended(Route route) {
    Map<TopicPartition, Long> before = EventLog.ends(kafka, topics.events());

    Http.Answer wrong = new Http(required.port(), TestTokens.UNKNOWN).post(route.uniquePath(), route.uniqueBody());
    Http.Answer lacking = new Http(required.port(), route.lacking()).post(route.uniquePath(), route.uniqueBody());

    assertProblem(wrong, 401, "not valid");
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"stocklog\", error=\"invalid_token\"");
    assertThat(wrong.response().body()).doesNotContain(TestTokens.UNKNOWN);
    assertProblem(lacking, 403, "needs a token with scope " + route.scope().configName());
    assertThat(lacking.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"")
        .contains("scope=\"" + route.scope().configName() + "\"");
    assertThat(EventLog.ends(kafka, topics.events())).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void everyTokenWithTheScopeIsAcceptedAndOperatorMayDoEverything(Route route) {
    for (String token : allowed(route)) {
      Http.Answer answer = new Http(required.port(), token).post(route.uniquePath(), route.uniqueBody());

      assertThat(answer.status()).as("%s with %s: %s", route, token, answer).isEqualTo(202);
    }
  }

  @Test
  void adjustmentsNeedOperatorEvenWithEveryOtherScope() {
    Http.Answer answer = new Http(required.port(), TestTokens.ORDERS_AND_STOCK).post("/skus/adj/adjustments",
        "{\"adjustmentId\":\"a-x\",\"delta\":-1,\"reason\":\"shrinkage\"}");

    assertProblem(answer, 403, "needs a token with scope operator");
    assertThat(answer.json().get("detail").asText()).contains("this token has scope orders+stock");
  }

  @Test
  void theTokenIsCheckedBeforeTheBodyIsRead() {
    Http anonymous = new Http(required.port(), null);

    assertProblem(anonymous.post("/skus/s/receipts", "not json at all"), 401, "bearer token");
    assertProblem(anonymous.post("/skus/bad$sku/receipts", "{}"), 401, "bearer token");
    assertProblem(new Http(required.port(), TestTokens.ORDERS).post("/skus/s/receipts", "[]"), 403, "scope stock");
  }

  @Test
  void unknownRoutesWrongMethodsAndOversizeBodiesAnswerAsBeforeWithoutAToken() {
    Http anonymous = new Http(required.port(), null);

    assertProblem(anonymous.post("/skus/s/teleport", "{}"), 404, "/skus/s/teleport");
    assertProblem(anonymous.get("/skus/s/receipts"), 405, "GET");
    assertProblem(anonymous.post("/skus/s/receipts", "x".repeat(20_000)), 413, "body");
  }

  @Test
  void healthReadinessMetricsAndTheDocumentStayOpen() {
    Http anonymous = new Http(required.port(), null);

    for (String path : List.of("/health", "/ready", "/metrics", "/openapi.json")) {
      assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void localModeLetsInALoopbackCallerWithoutATokenButChecksAnyTokenPresented() {
    Http anonymous = new Http(local.port(), null);

    Http.Answer adjusted = anonymous.post("/skus/local-1/adjustments",
        "{\"adjustmentId\":\"a-1\",\"delta\":5,\"reason\":\"found\"}");
    Http.Answer reserved = anonymous.post("/skus/local-1/reservations",
        "{\"orderId\":\"o-1\",\"quantity\":1,\"holdSeconds\":60}");
    Http.Answer wrong = new Http(local.port(), TestTokens.UNKNOWN).post("/skus/local-1/receipts",
        "{\"receiptId\":\"r-1\",\"quantity\":1}");
    Http.Answer lacking = new Http(local.port(), TestTokens.ORDERS).post("/skus/local-1/adjustments",
        "{\"adjustmentId\":\"a-2\",\"delta\":5,\"reason\":\"found\"}");
    Http.Answer scoped = new Http(local.port(), TestTokens.STOCK).post("/skus/local-1/receipts",
        "{\"receiptId\":\"r-2\",\"quantity\":1}");

    assertThat(adjusted.status()).as("%s", adjusted).isEqualTo(202);
    assertThat(reserved.status()).as("%s", reserved).isEqualTo(202);
    assertProblem(wrong, 401, "not valid");
    assertThat(wrong.header("WWW-Authenticate")).contains("invalid_token");
    assertProblem(lacking, 403, "scope operator");
    assertThat(scoped.status()).as("%s", scoped).isEqualTo(202);
  }

  @Test
  void refusalsAreCountedByStatusInTheRequestMetrics() {
    new Http(required.port(), null).post("/skus/m/receipts", "{\"receiptId\":\"r-1\",\"quantity\":1}");
    new Http(required.port(), TestTokens.ORDERS).post("/skus/m/receipts", "{\"receiptId\":\"r-1\",\"quantity\":1}");

    assertThat(new Http(required.port(), null).get("/metrics").response().body())
        .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/skus/{sku}/receipts\",status=\"401\"}")
        .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/skus/{sku}/receipts\",status=\"403\"}");
  }
}
