package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/**
 * Each service's own logging configuration, loaded into a context of its own: {@code STOCKLOG_LOG_FORMAT=json}
 * gives one parseable JSON object per line with the MDC's request ID, and without it the lines are text.
 */
class LogFormatTest {

  @ParameterizedTest
  @ValueSource(strings = {"logback-command.xml", "logback-query.xml", "logback-projector.xml", "logback.xml"})
  void jsonWritesOneJsonObjectPerLineWithLevelLoggerMessageAndRequestId(String config) throws Exception {
    String out = logThrough(config, "json");

    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).hasSize(3);
    JsonNode request = Json.MAPPER.readTree(lines.get(0));
    assertThat(request.get("level").asText()).isEqualTo("INFO");
    assertThat(request.get("loggerName").asText()).isEqualTo("io.stocklog.command.RequestLog");
    assertThat(request.get("formattedMessage").asText()).isEqualTo("method=GET route=/skus/{sku} status=200");
    assertThat(request.at("/mdc/requestId").asText()).isEqualTo("req-1");
    assertThat(request.get("timestamp").isIntegralNumber()).isTrue();
    JsonNode quoted = Json.MAPPER.readTree(lines.get(1));
    assertThat(quoted.get("formattedMessage").asText()).isEqualTo("a \"quoted\"\nand\tescaped line");
    JsonNode failure = Json.MAPPER.readTree(lines.get(2));
    assertThat(failure.get("level").asText()).isEqualTo("ERROR");
    assertThat(failure.at("/throwable/message").asText()).isEqualTo("boom");
  }

  @ParameterizedTest
  @ValueSource(strings = {"logback-command.xml", "logback-query.xml", "logback-projector.xml", "logback.xml"})
  void textIsTheDefault(String config) throws Exception {
    String out = logThrough(config, null);

    assertThat(out.lines().findFirst().orElseThrow())
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] .*RequestLog - method=GET route=/skus/\\{sku} status=200");
    assertThat(out).doesNotContain("{\"");
  }

  /** Logs four lines (one below the threshold) through {@code config} with the given format (null: not set) and returns what it wrote. */
  @SuppressWarnings("unchecked")
  private static String logThrough(String config, String format) throws JoranException, IOException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    if (format != null) {
      context.putProperty("STOCKLOG_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    URL resource = LogFormatTest.class.getClassLoader().getResource(config);
    assertThat(resource).as(config + " on the classpath").isNotNull();
    configurator.doConfigure(resource);
    context.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    String name = format == null ? "text" : format;
    // The root logger writes through an asynchronous appender of that name, which writes to the real one.
    AsyncAppender async = (AsyncAppender) root.getAppender(name + "-async");
    assertThat(async).as("the %s-async appender on the root logger", name).isNotNull();
    OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) async.getAppender(name);
    assertThat(appender).as("the %s appender behind it", name).isNotNull();
    appender.setOutputStream(out);
    MDC.put("requestId", "req-1");
    try {
      context.getLogger("io.stocklog.command.RequestLog").info("method=GET route=/skus/{} status={}", "{sku}", 200);
      context.getLogger("io.stocklog.projector.Projector").warn("a \"quoted\"\nand\tescaped line");
      context.getLogger("org.apache.kafka.clients.NetworkClient").info("below the WARN threshold: not written");
      context.getLogger("io.stocklog.query.QueryApp").error("failed", new IllegalStateException("boom"));
    } finally {
      MDC.remove("requestId");
      context.stop();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
