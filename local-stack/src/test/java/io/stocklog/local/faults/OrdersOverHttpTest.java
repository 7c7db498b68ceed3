package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end test of orders of several lines, from outside, over real HTTP: 200 carts of 2 or 3 lines
 * over 3 SKUs of 10 units each, placed at once with {@code Prefer: wait}, while the projector process (the orders'
 * coordinator) is killed with SIGKILL mid-stream and started again. A cart whose wait ran out during the outage is
 * sent again with the same body, as a client would, and gets the original decision.
 *
 * <p>Then: every cart decided all or nothing (201 with every line held, or 409 with no line held and the short
 * ones named with what was available); each decided exactly once in the log whatever the repeats; the units
 * reserved are exactly the held carts' lines; the held carts are confirmed or cancelled over HTTP, after which
 * nothing is reserved (nothing stranded) and on hand dropped by exactly the confirmed lines; {@code GET
 * /orders/{id}} with the answer's position token shows each cart as decided; and the brief's invariants hold
 * against the read model and the log, the orders' among them.
 */
@WithInfra
class OrdersOverHttpTest {

  private static final List<String> SKUS = List.of("HO-1", "HO-2", "HO-3");
  private static final long UNITS = 10;
  private static final int CARTS = 200;
  private static final int WAIT_SECONDS = 20;

  private record Cart(String orderId, String body, Map<String, Long> units) {}

  @Test
  void twoHundredConcurrentCartsAreDecidedAllOrNothingAcrossAHardKill(TestKafka kafka) throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "orders-http", 3)
        .withoutProjector()
        .env("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000");
    try (LocalStack stack = LocalStack.start(options)) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      List<Cart> carts = carts(new Random(14));
      Map<String, Answer> finalAnswers = new LinkedHashMap<>();
      AtomicInteger decided = new AtomicInteger();

      ProjectorProcess first = ProjectorProcess.start(stack.joiningEnvironment(), "orders-http-before-kill");
      ProjectorProcess second = null;
      try {
        first.awaitReady(client, Duration.ofSeconds(90));
        for (String sku : SKUS) {
          Answer receipt = client.receipt(sku, "r-" + sku, UNITS, WAIT_SECONDS);
          assertThat(receipt.status()).as("receipt of " + sku + ": " + receipt).isBetween(200, 201);
        }
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          Random jitter = new Random(15);
          for (Cart cart : carts) {
            long delay = jitter.nextInt(4_000);
            answers.add(pool.submit(() -> {
              Thread.sleep(delay);
              Answer a = placeUntilDecided(client, cart);
              decided.incrementAndGet();
              return a;
            }));
          }
          await().atMost(Duration.ofSeconds(60)).until(() -> decided.get() >= 40);
          assertThat(first.kill()).as("exit code of a process killed by SIGKILL").isEqualTo(137);
          int beforeKill = decided.get();
          second = ProjectorProcess.start(stack.joiningEnvironment(), "orders-http-after-kill");
          second.awaitReady(client, Duration.ofSeconds(90));
          for (int i = 0; i < carts.size(); i++) {
            finalAnswers.put(carts.get(i).orderId(), answers.get(i).get());
          }
          System.out.println("carts decided before the kill: " + beforeKill + " of " + CARTS);
          assertThat(beforeKill).as("the kill came mid-stream").isLessThan(CARTS);
        }

        // All or nothing, in every answer.
        Map<String, Long> heldUnits = new HashMap<>();
        List<Cart> held = new ArrayList<>();
        List<Cart> rejected = new ArrayList<>();
        for (Cart cart : carts) {
          Answer a = finalAnswers.get(cart.orderId());
          assertThat(a.status()).as(cart.orderId() + ": " + a).isIn(201, 409);
          assertThat(a.text("orderId")).isEqualTo(cart.orderId());
          List<JsonNode> lines = new ArrayList<>();
          a.body().get("lines").forEach(lines::add);
          assertThat(lines).as("one line per SKU of " + cart.orderId()).hasSize(cart.units().size());
          for (JsonNode line : lines) {
            assertThat(line.get("quantity").asLong()).isEqualTo(cart.units().get(line.get("sku").asText()));
          }
          if (a.status() == 201) {
            assertThat(a.text("status")).isEqualTo("HELD");
            assertThat(lines).allSatisfy(l -> assertThat(l.get("status").asText()).isEqualTo("HELD"));
            cart.units().forEach((sku, q) -> heldUnits.merge(sku, q, Long::sum));
            held.add(cart);
          } else {
            assertThat(a.text("status")).isEqualTo("REJECTED");
            assertThat(lines).as(cart.orderId() + ": no line stays held").noneMatch(l -> "HELD".equals(text(l, "status")));
            List<JsonNode> short_ = lines.stream().filter(l -> "OUT_OF_STOCK".equals(text(l, "reason"))).toList();
            assertThat(short_).as(cart.orderId() + ": the short lines named").isNotEmpty();
            assertThat(short_).allSatisfy(l -> assertThat(l.get("available").asLong())
                .isBetween(0L, l.get("quantity").asLong() - 1));
            rejected.add(cart);
          }
        }
        System.out.println("carts held " + held.size() + ", rejected " + rejected.size());
        assertThat(held).as("some carts held").isNotEmpty();
        assertThat(rejected).as("some carts rejected: the stock is scarce").isNotEmpty();
        heldUnits.values().forEach(u -> assertThat(u).isLessThanOrEqualTo(UNITS));

        // Reserved is exactly the held carts' lines.
        for (String sku : SKUS) {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Answer stock = client.query("/skus/" + sku);
            assertThat(stock.number("reserved")).as("reserved of " + sku + ": " + stock)
                .isEqualTo(heldUnits.getOrDefault(sku, 0L));
            assertThat(stock.number("onHand")).isEqualTo(UNITS);
          });
        }

        // The same cart again: the original decision; another body under its ID: 409.
        Cart again = held.getFirst();
        Answer repeat = placeOnce(client, again.orderId(), again.body());
        assertThat(repeat.status()).as("repeat: " + repeat).isEqualTo(201);
        assertThat(repeat.text("status")).isEqualTo("HELD");
        Answer other = placeOnce(client, again.orderId(), cartBody(again.orderId(), Map.of("HO-1", 1L, "HO-2", 9L)));
        assertThat(other.status()).as("another body under a used order ID: " + other).isEqualTo(409);

        // Confirm every other held cart, cancel the rest: then nothing is held, nothing stranded.
        Map<String, Long> confirmedUnits = new HashMap<>();
        Map<String, Answer> settled = new LinkedHashMap<>();
        for (int i = 0; i < held.size(); i++) {
          Cart cart = held.get(i);
          boolean confirm = i % 2 == 0;
          Answer a = client.post("/orders/" + cart.orderId() + (confirm ? "/confirm" : "/cancel"), null, WAIT_SECONDS);
          assertThat(a.status()).as((confirm ? "confirm " : "cancel ") + cart.orderId() + ": " + a).isEqualTo(200);
          assertThat(a.text("status")).isEqualTo(confirm ? "CONFIRMED" : "CANCELLED");
          if (confirm) {
            cart.units().forEach((sku, q) -> confirmedUnits.merge(sku, q, Long::sum));
          }
          settled.put(cart.orderId(), a);
        }
        Answer twice = client.post("/orders/" + held.getFirst().orderId() + "/confirm", null, WAIT_SECONDS);
        assertThat(twice.status()).as("a second confirm changes nothing: " + twice).isEqualTo(200);
        assertThat(twice.text("status")).isEqualTo("CONFIRMED");
        assertThat(twice.body().get("duplicate").asBoolean()).isTrue();
        Answer cancelConfirmed = client.post("/orders/" + held.getFirst().orderId() + "/cancel", null, WAIT_SECONDS);
        assertThat(cancelConfirmed.status()).as("cancel of a confirmed cart: " + cancelConfirmed).isEqualTo(409);
        assertThat(cancelConfirmed.text("reason")).isEqualTo("ALREADY_CONFIRMED");
        assertThat(cancelConfirmed.text("status")).isEqualTo("CONFIRMED");
        Answer cancelRejected = client.post("/orders/" + rejected.getFirst().orderId() + "/cancel", null, WAIT_SECONDS);
        assertThat(cancelRejected.status()).as("cancel of a rejected cart: " + cancelRejected).isEqualTo(409);
        assertThat(cancelRejected.text("reason")).isEqualTo("NOT_HELD");

        // The read model, read with each answer's own position token, shows each cart as decided.
        for (Cart cart : carts) {
          Answer decidedBy = settled.getOrDefault(cart.orderId(), finalAnswers.get(cart.orderId()));
          String token = decidedBy.text("position");
          assertThat(token).as("position token of " + decidedBy).isNotNull();
          Answer read = client.query("/orders/" + cart.orderId() + "?minPosition="
              + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&wait=10");
          assertThat(read.status()).as("GET order " + cart.orderId() + ": " + read).isEqualTo(200);
          assertThat(read.text("status")).as("GET order " + cart.orderId()).isEqualTo(decidedBy.text("status"));
        }
        for (String sku : SKUS) {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Answer stock = client.query("/skus/" + sku);
            assertThat(stock.number("reserved")).as("nothing stranded on " + sku + ": " + stock).isZero();
            assertThat(stock.number("onHand")).isEqualTo(UNITS - confirmedUnits.getOrDefault(sku, 0L));
          });
        }

        // In the log: every cart decided exactly once, however often it was sent.
        Map<String, Integer> placings = placingDecisions(stack);
        for (Cart cart : carts) {
          assertThat(placings.getOrDefault(cart.orderId(), 0)).as("decisions of " + cart.orderId()).isEqualTo(1);
        }
      } catch (AssertionError | RuntimeException e) {
        ProjectorProcess.printTails(first, second);
        throw e;
      } finally {
        ProjectorProcess.closeAll(first, second);
      }
      Invariants.assertHold(stack.bootstrapServers(), stack.topics(), FaultCheck.readModel(stack), Set.of());
    }
  }

  /** Sends the cart until it is decided: a wait that ran out (the coordinator down) is answered by sending it again. */
  private static Answer placeUntilDecided(CommandClient client, Cart cart) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    Answer a;
    do {
      a = placeOnce(client, cart.orderId(), cart.body());
      if (a.status() == 201 || a.status() == 409) {
        return a;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(cart.orderId() + " never decided: " + a);
  }

  private static Answer placeOnce(CommandClient client, String orderId, String body) {
    return client.post("/orders", body, WAIT_SECONDS);
  }

  private static List<Cart> carts(Random random) {
    return IntStream.range(0, CARTS).mapToObj(i -> {
      String orderId = "http-cart-" + i;
      Map<String, Long> units = new LinkedHashMap<>();
      StringBuilder lines = new StringBuilder();
      for (int l = 0, n = 2 + random.nextInt(2); l < n; l++) {
        String sku = SKUS.get(random.nextInt(SKUS.size()));
        long q = 1 + random.nextInt(2);
        units.merge(sku, q, Long::sum);
        lines.append(l == 0 ? "" : ",").append("{\"sku\":\"").append(sku).append("\",\"quantity\":").append(q).append('}');
      }
      String body = "{\"orderId\":\"" + orderId + "\",\"holdSeconds\":600,\"lines\":[" + lines + "]}";
      return new Cart(orderId, body, units);
    }).toList();
  }

  private static String cartBody(String orderId, Map<String, Long> units) {
    StringBuilder lines = new StringBuilder();
    units.forEach((sku, q) -> lines.append(lines.isEmpty() ? "" : ",")
        .append("{\"sku\":\"").append(sku).append("\",\"quantity\":").append(q).append('}'));
    return "{\"orderId\":\"" + orderId + "\",\"holdSeconds\":600,\"lines\":[" + lines + "]}";
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /** How many first decisions (HELD or REJECTED, not a duplicate's answer) each order got on the outcomes topic. */
  private static Map<String, Integer> placingDecisions(LocalStack stack) throws Exception {
    Map<String, Integer> decisions = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = OrdersHardKillTest.consumer(stack)) {
      List<TopicPartition> partitions = List.copyOf(consumer.assignment());
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.headers().lastHeader(OrderOutcome.HEADER) == null) {
            continue;
          }
          OrderOutcome o = Json.MAPPER.readValue(r.value(), OrderOutcome.class);
          if ("OrderPlaced".equals(o.eventType()) && !o.duplicate()
              && (o.decision() == Decision.HELD || o.decision() == Decision.REJECTED)) {
            decisions.merge(o.orderId(), 1, Integer::sum);
          }
        }
      }
    }
    return decisions;
  }
}
