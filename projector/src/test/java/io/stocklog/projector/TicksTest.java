package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time for quiet partitions costs the log nothing while nothing is due: the projector appends a {@code ClockTick}
 * to a partition only when a hold there is due by the wall clock and the partition's own events have not moved its
 * clock to it; then the hold expires within a check interval and a replay of the log sees the same tick.
 */
class TicksTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration CHECK = Duration.ofSeconds(1);

  @TempDir
  Path stateDir;

  /** The ticks the projector sent, by partition, as the tick producer would append them. */
  private final List<String> sent = new ArrayList<>();
  private final List<Event> ticks = new ArrayList<>();

  private TopologyFixture fixture() {
    return new TopologyFixture(stateDir, ProjectorOptions.defaults().withTicks(new ProjectorOptions.Ticks(CHECK,
        (partition, tick) -> {
          sent.add(partition + " " + tick.occurredAt());
          ticks.add(tick);
        })), T0);
  }

  /** The ticks sent since the last call. */
  private List<Event> appended(TopologyFixture f) {
    List<Event> since = List.copyOf(ticks);
    ticks.clear();
    return since;
  }

  @Test
  void anIdlePartitionGetsNoTickHowEverLongTheWallClockRuns() {
    try (TopologyFixture f = fixture()) {
      f.pipe(Events.received("sku-1", "r-1", 5, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 60, T0));
      f.pipe(Events.confirmed("sku-1", "o-1", T0)); // no hold left
      for (int hour = 0; hour < 24; hour++) {
        f.driver.advanceWallClockTime(Duration.ofHours(1));
      }
      assertThat(appended(f)).as("records the projector appended in a quiet day").isEmpty();
    }
  }

  @Test
  void aQuietPartitionWithADueHoldGetsOneTickAndTheHoldExpires() {
    try (TopologyFixture f = fixture()) {
      f.pipe(Events.received("sku-1", "r-1", 5, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 60, T0));
      f.outcomes.readValuesToList();

      f.driver.advanceWallClockTime(Duration.ofSeconds(59));
      assertThat(appended(f)).as("before the deadline").isEmpty();

      f.driver.advanceWallClockTime(Duration.ofSeconds(2));
      List<Event> due = appended(f);
      assertThat(due).singleElement().isInstanceOf(ClockTick.class);
      assertThat(due.getFirst().occurredAt()).isEqualTo(T0.plusSeconds(61));
      assertThat(sent).containsExactly("0 " + T0.plusSeconds(61));

      // The tick comes back through the log like any event, and the hold expires at it.
      f.pipe(due.getFirst());
      List<Outcome> out = f.outcomes.readValuesToList();
      assertThat(out).extracting(Outcome::decision).containsExactly(Decision.EXPIRED);
      assertThat(out.getFirst().subjectId()).isEqualTo("o-1");

      for (int i = 0; i < 10; i++) {
        f.driver.advanceWallClockTime(CHECK);
      }
      assertThat(appended(f)).as("nothing due any more").isEmpty();
    }
  }

  @Test
  void oneTickAtATimeUntilItHasComeBackThroughTheLogOrFiveSecondsPassed() {
    try (TopologyFixture f = fixture()) {
      f.pipe(Events.received("sku-1", "r-1", 5, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 60, T0));
      f.driver.advanceWallClockTime(Duration.ofSeconds(61));
      for (int i = 0; i < 4; i++) {
        f.driver.advanceWallClockTime(CHECK);
      }
      assertThat(appended(f)).as("ticks while the first is still on its way").hasSize(1);
      // A tick that never came back (its send failed) is sent again after five seconds.
      f.driver.advanceWallClockTime(CHECK);
      assertThat(appended(f)).as("the tick sent again").hasSize(1);
    }
  }

  @Test
  void aPartitionWhoseOwnEventsMoveItsClockPastTheDeadlineNeedsNoTick() {
    try (TopologyFixture f = fixture()) {
      f.pipe(Events.received("sku-1", "r-1", 5, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 60, T0));
      f.pipe(Events.received("sku-1", "r-2", 1, T0.plusSeconds(61)));
      f.driver.advanceWallClockTime(Duration.ofSeconds(65));
      assertThat(appended(f)).isEmpty();
      assertThat(f.outcomes.readValuesToList()).extracting(Outcome::decision)
          .containsExactly(Decision.RECEIVED, Decision.HELD, Decision.EXPIRED, Decision.RECEIVED);
    }
  }

  @Test
  void aRebuildNeverTicks() {
    try (TopologyFixture f = new TopologyFixture(stateDir,
        ProjectorOptions.defaults().forRebuild(ProjectorOptions.Progress.NONE), T0)) {
      f.pipe(Events.received("sku-1", "r-1", 5, T0));
      f.pipe(Events.requested("sku-1", "o-1", 2, 60, T0));
      f.driver.advanceWallClockTime(Duration.ofMinutes(5));
      assertThat(appended(f)).isEmpty();
    }
  }
}
