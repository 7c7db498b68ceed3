package io.stocklog.command;

import io.stocklog.events.SkuEvent;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Appends a command's event and, if the caller asked to wait, waits for its outcome. Knows nothing of
 * HTTP: {@link CommandApp} turns the {@link Reply} into a status and body.
 */
final class CommandSubmitter {

  /** What became of a submitted event. */
  sealed interface Reply permits Accepted, Decided {
    String eventId();

    Position position();
  }

  /**
   * Appended; the outcome was not asked for, or did not come in time.
   *
   * @param waited the wait that was honoured and ran out, if any
   */
  record Accepted(String eventId, Position position, Optional<PreferWait> waited) implements Reply {}

  /** Appended and decided within the caller's wait. */
  record Decided(String eventId, Position position, Outcome outcome, PreferWait waited) implements Reply {}

  private final EventAppender appender;
  private final OutcomeFollower follower;

  CommandSubmitter(EventAppender appender, OutcomeFollower follower) {
    this.appender = Objects.requireNonNull(appender, "appender");
    this.follower = Objects.requireNonNull(follower, "follower");
  }

  /**
   * The reply once the event is in the log (and decided, or the wait ran out); fails with a 503
   * {@link ProblemException} if it could not be appended. The waiter is registered before the send, so an
   * outcome faster than the send callback still finds it.
   */
  CompletableFuture<Reply> submit(SkuEvent event, Optional<PreferWait> wait) {
    String eventId = event.eventId();
    Optional<CompletableFuture<Outcome>> waiter =
        wait.filter(w -> w.seconds() > 0).flatMap(w -> follower.expect(eventId));
    // wait=0 is honoured trivially; a wait past the waiter cap is not honoured at all.
    Optional<PreferWait> honoured = wait.filter(w -> w.seconds() == 0 || waiter.isPresent());
    return appender.append(event)
        .thenCompose(position -> waiter
            .map(w -> w.completeOnTimeout(null, wait.orElseThrow().seconds(), TimeUnit.SECONDS)
                .thenApply(outcome -> outcome == null
                    ? (Reply) new Accepted(eventId, position, honoured)
                    : new Decided(eventId, position, outcome, honoured.orElseThrow())))
            .orElseGet(() -> CompletableFuture.completedFuture(new Accepted(eventId, position, honoured))))
        .whenComplete((reply, error) -> follower.forget(eventId));
  }
}
