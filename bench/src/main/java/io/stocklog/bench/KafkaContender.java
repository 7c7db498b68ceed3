package io.stocklog.bench;

import io.stocklog.events.Events;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Contender 2: this system as an upstream service uses it, a plain Kafka producer appending events keyed
 * by SKU, with the decisions read back from the outcomes topic. {@code inFlight} requests are pipelined
 * (one producer, as one upstream service instance would have).
 */
final class KafkaContender extends StackContender {

  KafkaContender(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, int inFlight) {
    super(bootstrapServers, eventsTopic, watcher, inFlight);
  }

  @Override
  public String name() {
    return "stocklog via Kafka producer";
  }

  private static Answer answer(OutcomeWatcher.Known k, Decision wanted) {
    Outcome o = k.outcome();
    return new Answer(o.decision() == wanted, 0, o.position(), k.knownAt());
  }

  @Override
  public CompletableFuture<Answer> reserve(String sku, String orderId, int quantity) {
    return append(Events.requested(sku, orderId, quantity, 600, Instant.now()), orderId)
        .thenApply(k -> answer(k, Decision.HELD));
  }

  @Override
  public CompletableFuture<Answer> confirm(String sku, String orderId, int quantity) {
    return append(Events.confirmed(sku, orderId, Instant.now()), orderId).thenApply(k -> answer(k, Decision.CONFIRMED));
  }

  @Override
  public CompletableFuture<Answer> cancel(String sku, String orderId, int quantity) {
    return append(Events.cancelled(sku, orderId, Instant.now()), orderId).thenApply(k -> answer(k, Decision.CANCELLED));
  }
}
