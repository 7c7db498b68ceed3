package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the topology counts and logs as it decides, in a {@code TopologyTestDriver}: no broker. */
class DecisionMetricsTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir
  Path stateDir;

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Logger logger = (Logger) LoggerFactory.getLogger(DecideProcessor.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Level level;

  @BeforeEach
  void captureLogs() {
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void restoreLogs() {
    logger.detachAppender(logged);
    logger.setLevel(level);
  }

  @Test
  void countsOutcomesByDecisionAndReasonAndDeadLetters() {
    try (TopologyFixture f = new TopologyFixture(stateDir, ProjectorOptions.defaults().withMetrics(metrics))) {
      assertThat(metrics.get("stocklog.dead.letters").counter().count()).as("there before any").isZero();
      assertThat(metrics.get("stocklog.projector.forwarded").counter().count()).as("there before any").isZero();

      f.pipe(Events.received("sku-1", "r-1", 2, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 600, T0));
      f.pipe(Events.requested("sku-1", "o-2", 1, 600, T0));
      f.pipe(Events.requested("sku-1", "o-3", 1, 600, T0));
      f.pipeRaw("sku-1", "not json".getBytes(StandardCharsets.UTF_8));

      assertThat(outcomes("RECEIVED", "none")).isEqualTo(1);
      assertThat(outcomes("HELD", "none")).isEqualTo(1);
      assertThat(outcomes("REJECTED", "OUT_OF_STOCK")).isEqualTo(2);
      assertThat(metrics.get("stocklog.dead.letters").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void logsEveryDecisionWithItsEventIdAndPositionAtDebugAndEveryDeadLetterAtWarn() {
    Event receipt = Events.received("sku-1", "r-1", 2, T0);
    Event reservation = Events.requested("sku-1", "o-1", 5, 600, T0);
    try (TopologyFixture f = new TopologyFixture(stateDir, ProjectorOptions.defaults().withMetrics(metrics))) {
      f.pipe(receipt);
      f.pipeRaw("sku-1", "not json".getBytes(StandardCharsets.UTF_8));
      f.pipe(reservation);
    }

    assertThat(logged.list).extracting(e -> e.getLevel() + " " + e.getFormattedMessage()).satisfiesExactly(
        line -> assertThat(line).isEqualTo("DEBUG decided event_id=" + receipt.eventId() + " position=0-0"
            + " type=StockReceived sku=sku-1 subject=r-1 decision=RECEIVED reason=null"),
        line -> assertThat(line).startsWith("WARN dead letter position=0-1 source=" + TopologyFixture.TOPICS.events()
            + "/0/1 reason=not valid JSON: "),
        line -> assertThat(line).isEqualTo("DEBUG decided event_id=" + reservation.eventId() + " position=0-2"
            + " type=ReservationRequested sku=sku-1 subject=o-1 decision=REJECTED reason=OUT_OF_STOCK"));
  }

  private double outcomes(String decision, String reason) {
    return metrics.get("stocklog.outcomes").tag("decision", decision).tag("reason", reason).counter().count();
  }
}
