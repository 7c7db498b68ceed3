package io.stocklog.command;

import io.micrometer.core.instrument.Counter;
import io.stocklog.events.Event;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.SkuEvent;
import io.stocklog.http.ProblemException;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Appends a command's event and, if the caller asked to wait, waits for its outcome. Knows nothing of
 * HTTP: {@link CommandApp} turns the {@link Reply} into a status and body.
 *
 * <p>A receipt, adjustment or reservation whose ID this instance has already seen decided is not appended
 * again: the same body gets the original outcome at once, a different amount an ID conflict, with or without
 * a wait. An ID not remembered (decided before this instance started, evicted, or not decided yet) is
 * appended as usual, and the projector answers the repeat; a waiting caller then gets the original's event
 * ID and position when they are known by then.
 *
 * <p>An order's event ({@link #submitOrder}) is always appended: its coordinator answers a repeat (the first
 * decision, marked duplicate) and refuses another body under the same order ID, so a waiting caller gets that.
 */
final class CommandSubmitter {

  /** What became of a submitted event. */
  sealed interface Reply permits Accepted, Decided, OrderDecided, Conflict {}

  /**
   * Appended; the outcome was not asked for, or did not come in time.
   *
   * @param waited the wait that was honoured and ran out, if any
   */
  record Accepted(String eventId, Position position, Optional<PreferWait> waited) implements Reply {}

  /**
   * Decided: the outcome of the appended event, within the caller's wait, or the original outcome of a
   * repeated ID (then {@code eventId} and {@code position} are the original's, and nothing was appended).
   *
   * @param waited the wait asked for, honoured; empty when a repeat was answered without one
   */
  record Decided(String eventId, Position position, Outcome outcome, Optional<PreferWait> waited)
      implements Reply {}

  /**
   * An order's event decided by its coordinator within the caller's wait.
   *
   * @param eventId the appended event's ID
   * @param position where the record that decided it is in the log (the last line's report for a placing, the
   *     request itself for a refusal): the token to read the order at; the appended event's when not stamped
   * @param waited the wait asked for, honoured
   */
  record OrderDecided(String eventId, Position position, OrderOutcome outcome, Optional<PreferWait> waited)
      implements Reply {}

  /**
   * Not appended: the ID was used before with a different amount.
   *
   * @param first the ID's first outcome
   * @param amount the amount (quantity or delta) this request carried
   */
  record Conflict(Outcome first, long amount) implements Reply {}

  private final EventAppender appender;
  private final OutcomeFollower follower;
  private final Counter waitsSkipped;

  /**
   * @param waitsSkipped counts the {@code Prefer: wait} calls answered without waiting because the cap on
   *     waiting callers was reached (they are appended all the same)
   */
  CommandSubmitter(EventAppender appender, OutcomeFollower follower, Counter waitsSkipped) {
    this.appender = Objects.requireNonNull(appender, "appender");
    this.follower = Objects.requireNonNull(follower, "follower");
    this.waitsSkipped = Objects.requireNonNull(waitsSkipped, "waitsSkipped");
  }

  /**
   * The reply once the event is in the log (and decided, or the wait ran out), or at once for a remembered
   * ID; fails with a 503 {@link ProblemException} if it could not be appended. The waiter is registered
   * before the send, so an outcome faster than the send callback still finds it.
   */
  CompletableFuture<Reply> submit(SkuEvent event, Optional<PreferWait> wait) {
    Optional<FirstOutcomes.Use> use = FirstOutcomes.use(event);
    Optional<Outcome> first = use.flatMap(u -> follower.firstOutcome(u.key()));
    if (first.isPresent()) {
      long amount = use.orElseThrow().amount();
      return CompletableFuture.completedFuture(first.get().quantity() == amount
          ? repeatOf(first.get(), wait)
          : new Conflict(first.get(), amount));
    }
    String eventId = event.eventId();
    Optional<CompletableFuture<Outcome>> waiter =
        wait.filter(w -> w.seconds() > 0).flatMap(w -> follower.expect(eventId));
    return appendAndWait(event, wait, waiter, (position, outcome, honoured) ->
        decided(eventId, position, outcome, honoured));
  }

  /**
   * As {@link #submit}, for an order's event: appended keyed by its order ID, and the wait is for its coordinator's
   * decision ({@link OutcomeFollower#expectOrder}).
   */
  CompletableFuture<Reply> submitOrder(OrderEvent event, Optional<PreferWait> wait) {
    String eventId = event.eventId();
    Optional<CompletableFuture<OrderOutcome>> waiter =
        wait.filter(w -> w.seconds() > 0).flatMap(w -> follower.expectOrder(eventId));
    return appendAndWait(event, wait, waiter, (position, outcome, honoured) -> new OrderDecided(eventId,
        outcome.position() != null ? Position.parse(outcome.position()) : position, outcome, honoured));
  }

  /** What a decision within the wait is answered with. */
  private interface Answer<O> {
    Reply of(Position appended, O outcome, Optional<PreferWait> waited);
  }

  private <O> CompletableFuture<Reply> appendAndWait(Event event, Optional<PreferWait> wait,
      Optional<CompletableFuture<O>> waiter, Answer<O> answer) {
    String eventId = event.eventId();
    // wait=0 is honoured trivially; a wait past the waiter cap is not honoured at all: the event is appended all
    // the same (the wait is only a preference) and the caller gets its 202 as soon as it is in the log.
    Optional<PreferWait> honoured = wait.filter(w -> w.seconds() == 0 || waiter.isPresent());
    if (wait.isPresent() && honoured.isEmpty()) {
      waitsSkipped.increment();
    }
    CompletableFuture<Position> appended;
    try {
      appended = appender.append(event);
    } catch (RuntimeException e) {
      // The waiter's place under the cap is given back whatever happens.
      follower.forget(eventId);
      throw e;
    }
    return appended
        .thenCompose(position -> waiter
            .map(w -> w.completeOnTimeout(null, wait.orElseThrow().seconds(), TimeUnit.SECONDS)
                .thenApply(outcome -> outcome == null
                    ? (Reply) new Accepted(eventId, position, honoured)
                    : answer.of(position, outcome, honoured)))
            .orElseGet(() -> CompletableFuture.completedFuture(new Accepted(eventId, position, honoured))))
        .whenComplete((reply, error) -> follower.forget(eventId));
  }

  /** The outcome of the appended event; for a repeat of a remembered ID, the original's. */
  private Reply decided(String eventId, Position position, Outcome outcome, Optional<PreferWait> waited) {
    if (outcome.duplicate() && outcome.reason() != Reason.ID_CONFLICT) {
      Optional<Outcome> first = FirstOutcomes.keyOf(outcome).flatMap(follower::firstOutcome);
      if (first.isPresent()) {
        return repeatOf(first.get(), waited);
      }
    }
    return new Decided(eventId, position, outcome, waited);
  }

  private static Reply repeatOf(Outcome first, Optional<PreferWait> waited) {
    return new Decided(first.eventId(), Position.parse(first.position()), FirstOutcomes.asRepeat(first), waited);
  }
}
