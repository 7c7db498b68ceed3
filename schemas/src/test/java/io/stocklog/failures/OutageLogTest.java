package io.stocklog.failures;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void aRunOfFailuresIsOneWarningAndItsEndOneInfoLine() {
    OutageLog outage = new OutageLog(logger, "appending to events");
    outage.succeeded();
    for (int i = 0; i < 1_000; i++) {
      outage.failed(new IOException("broker away " + i));
    }
    assertThat(outage.failing()).isTrue();
    outage.succeeded();
    outage.succeeded();

    assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
    assertThat(lines.list.get(0).getFormattedMessage()).contains("appending to events failed", "broker away 0");
    assertThat(lines.list.get(1).getFormattedMessage()).contains("works again after 1000 failed attempt(s)");
    assertThat(outage.failing()).isFalse();
  }

  @Test
  void theNextOutageIsReportedAgainWithItsOwnCount() {
    OutageLog outage = new OutageLog(logger, "polling outcomes");
    outage.failed(new IOException("first"));
    outage.succeeded();
    outage.failed(new IOException("second"));
    outage.failed(new IOException("third"));
    outage.succeeded();

    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
        l -> assertThat(l).contains("first"),
        l -> assertThat(l).contains("after 1 failed"),
        l -> assertThat(l).contains("second"),
        l -> assertThat(l).contains("after 2 failed"));
  }
}
