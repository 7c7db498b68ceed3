package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.javalin.Javalin;
import io.stocklog.http.RequestLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The request log and request ID on a Javalin app of their own, with the log captured. */
class RequestLogTest {

  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private static Javalin app;
  private static final HttpClient client = HttpClient.newHttpClient();

  private final Logger logger = (Logger) LoggerFactory.getLogger(CommandApp.REQUEST_LOG);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() {
    app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      RequestLog.install(c, CommandApp.REQUEST_LOG);
      // Answers with what a handler sees in the MDC.
      c.routes.get("/skus/{sku}/reservations/{orderId}", ctx -> ctx.result(String.valueOf(MDC.get("requestId"))));
    }).start(0);
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void oneInfoLineWithMethodRouteTemplateStatusDurationAndTheCallersIdWhichIsEchoedAndInTheMdc() {
    HttpResponse<String> answer = get("/skus/sku-secret-1/reservations/o-9?token=t0k3n",
        "X-Request-Id", "order-svc:42", "Authorization", "Bearer s3cr3t");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("X-Request-Id")).contains("order-svc:42");
    assertThat(answer.body()).as("the MDC while the handler runs").isEqualTo("order-svc:42");
    ILoggingEvent line = lineFor("order-svc:42");
    assertThat(line.getLevel()).isEqualTo(Level.INFO);
    assertThat(line.getFormattedMessage()).matches("method=GET route=/skus/\\{sku}/reservations/\\{orderId}"
        + " status=200 duration_ms=[0-9]+\\.[0-9]{2} request_id=order-svc:42");
    assertThat(line.getMDCPropertyMap()).containsEntry("requestId", "order-svc:42");
    assertThat(line.getFormattedMessage()).doesNotContain("sku-secret-1", "t0k3n", "s3cr3t", "Bearer", "Authorization");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "semi;colon", "é", "x-65-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void anInvalidIdIsReplacedByANewOne(String offered) {
    HttpResponse<String> answer = get("/skus/a/reservations/b", "X-Request-Id", offered);

    String id = answer.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(id).matches(UUID);
    assertThat(answer.body()).isEqualTo(id);
    assertThat(lineFor(id).getFormattedMessage()).endsWith(" request_id=" + id);
  }

  @Test
  void withoutAnIdEachRequestGetsItsOwn() {
    String first = get("/skus/a/reservations/b").headers().firstValue("X-Request-Id").orElseThrow();
    String second = get("/skus/a/reservations/b").headers().firstValue("X-Request-Id").orElseThrow();

    assertThat(first).matches(UUID);
    assertThat(second).matches(UUID).isNotEqualTo(first);
  }

  @Test
  void anUnknownPathIsLoggedAsUnmatchedNotByItsPath() {
    HttpResponse<String> answer = get("/private/sku-secret-2", "X-Request-Id", "probe-404");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.headers().firstValue("X-Request-Id")).contains("probe-404");
    assertThat(lineFor("probe-404").getFormattedMessage()).startsWith("method=GET route=unmatched status=404 ");
  }

  /** The one line logged for the request with this ID; the line is written just after the answer. */
  private ILoggingEvent lineFor(String id) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !linesFor(id).isEmpty());
    List<ILoggingEvent> lines = linesFor(id);
    assertThat(lines).hasSize(1);
    return lines.get(0);
  }

  private List<ILoggingEvent> linesFor(String id) {
    return List.copyOf(logged.list).stream().filter(e -> e.getFormattedMessage().endsWith(" request_id=" + id)).toList();
  }

  private static HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
