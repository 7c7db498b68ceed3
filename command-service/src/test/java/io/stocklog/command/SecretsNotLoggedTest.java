package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A service is started, used with good, bad and misplaced tokens, and stopped while everything logged is
 * captured (our own loggers at TRACE, Javalin's at DEBUG, the rest as configured): no token appears anywhere in it, in a message, an argument, the MDC or
 * a stack trace.
 */
@WithInfra
class SecretsNotLoggedTest {

  private static final List<Map.Entry<String, Level>> LEVELS = List.of(
      Map.entry("io.stocklog", Level.TRACE),
      Map.entry("io.javalin", Level.DEBUG));

  @Test
  void noTokenEverReachesTheLog(TestKafka kafka) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(context);
    captured.start();
    List<Level> previous = LEVELS.stream().map(e -> context.getLogger(e.getKey()).getLevel()).toList();
    LEVELS.forEach(e -> context.getLogger(e.getKey()).setLevel(e.getValue()));
    root.addAppender(captured);
    try {
      use(kafka);
    } finally {
      root.detachAppender(captured);
      for (int i = 0; i < LEVELS.size(); i++) {
        context.getLogger(LEVELS.get(i).getKey()).setLevel(previous.get(i));
      }
    }

    List<ILoggingEvent> events = List.copyOf(captured.list);
    assertThat(events).as("what was captured").hasSizeGreaterThan(20);
    assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("command API auth required"));
    assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("status=401"));
    assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("status=403"));
    for (ILoggingEvent event : events) {
      String everything = event.getFormattedMessage() + " " + event.getMDCPropertyMap() + " "
          + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      for (String token : List.of(TestTokens.OPERATOR, TestTokens.ORDERS, TestTokens.STOCK,
          TestTokens.ORDERS_AND_STOCK, TestTokens.UNKNOWN)) {
        assertThat(everything).as("logged by %s", event.getLoggerName()).doesNotContain(token);
      }
    }
  }

  private static void use(TestKafka kafka) {
    TopicSettings topics = TopicSettings.defaults().withPartitions(1)
        .withNames(kafka.uniqueName("events"), kafka.uniqueName("outcomes"), kafka.uniqueName("dead"));
    try (CommandService service = CommandService.start(
        TestTokens.config().withHttpPort(0).withKafka(kafka.bootstrapServers(), topics)
            .withAppendTimeout(Duration.ofSeconds(2)))) {
      String receipt = "{\"receiptId\":\"r-1\",\"quantity\":1}";
      Http operator = new Http(service.port(), TestTokens.OPERATOR);
      assertThat(operator.post("/skus/s-1/receipts", receipt).status()).isEqualTo(202);
      assertThat(operator.post("/skus/s-1/receipts", "{\"receiptId\":\"r-2\",\"quantity\":0}").status()).isEqualTo(400);
      assertThat(operator.post("/skus/s-1/nowhere", receipt).status()).isEqualTo(404);
      assertThat(new Http(service.port(), TestTokens.UNKNOWN).post("/skus/s-1/receipts", receipt).status())
          .isEqualTo(401);
      assertThat(new Http(service.port(), TestTokens.ORDERS).post("/skus/s-1/receipts", receipt).status())
          .isEqualTo(403);
      // A token where none belongs: in the path, the query string, another header, the request ID.
      Http anonymous = new Http(service.port(), null);
      assertThat(anonymous.post("/skus/" + TestTokens.STOCK + "/receipts?token=" + TestTokens.ORDERS_AND_STOCK,
          receipt, "X-Api-Key", TestTokens.ORDERS_AND_STOCK).status()).isEqualTo(401);
      assertThat(new Http(service.port(), TestTokens.STOCK).post("/skus/" + TestTokens.STOCK + "/receipts",
          receipt, "X-Request-Id", "req-1").status()).isEqualTo(202);
    }
  }
}
