package io.stocklog.bench;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Carts sent to this system as an upstream service would: {@code OrderPlaced}, {@code OrderConfirmed} and
 * {@code OrderCancelled} appended straight to {@code inventory.events}, keyed by the order ID with the default
 * partitioner (so each lands in its coordinator's partition), and the decisions read from the outcomes topic. The
 * latency runs from the append to the order's decision (past a PENDING outcome, if one comes first).
 */
final class KafkaCarts extends StackCarts {

  KafkaCarts(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, int inFlight) {
    super(bootstrapServers, eventsTopic, watcher, inFlight);
  }

  @Override
  public String name() {
    return "stocklog orders via Kafka producer";
  }

  private CompletableFuture<OutcomeWatcher.KnownOrder> append(OrderEvent event) {
    CompletableFuture<OutcomeWatcher.KnownOrder> f = watcher.expectOrder(event.orderId(), event.type());
    stack.producer.send(new ProducerRecord<>(stack.eventsTopic, event.orderId(), EventCodec.encode(event)),
        (md, e) -> {
          if (e != null) {
            watcher.forgetOrder(event.orderId(), event.type());
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  @Override
  public CompletableFuture<Answer> place(CartPlan.Cart cart, int holdSeconds) {
    placing();
    OrderPlaced placed = Events.placed(cart.orderId(), holdSeconds,
        cart.lines().stream().map(l -> new OrderPlaced.Line(l.sku(), l.quantity())).toList(), Instant.now());
    return append(placed).thenApply(k -> placed(k.outcome(), k.knownAt()));
  }

  @Override
  public CompletableFuture<Answer> confirm(CartPlan.Cart cart) {
    OrderConfirmed e = Events.orderConfirmed(cart.orderId(), Instant.now());
    return append(e).thenApply(k -> ended(k.outcome(), k.knownAt()));
  }

  @Override
  public CompletableFuture<Answer> cancel(CartPlan.Cart cart) {
    OrderCancelled e = Events.orderCancelled(cart.orderId(), Instant.now());
    return append(e).thenApply(k -> ended(k.outcome(), k.knownAt()));
  }
}
