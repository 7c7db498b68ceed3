package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Outcome;
import io.stocklog.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline as a stranger would use it: real broker, real Postgres, real HTTP, the three
 * services started by {@link LocalStack} exactly as the one-command stack runs them.
 */
class PipelineEndToEndTest {

  private static LocalStack stack;
  private static final Http http = new Http();
  private static final TopicSettings TOPICS = TopicSettings.defaults();

  @BeforeAll
  static void start() {
    stack = LocalStack.start(0, 0, 0, 4, "e2e_" + Long.toHexString(System.nanoTime()));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static String cmd(String path) {
    return stack.commandUrl() + path;
  }

  private static String qry(String path) {
    return stack.queryUrl() + path;
  }

  private static void receive(String sku, String receiptId, long quantity) {
    Http.Response r = http.post(cmd("/skus/" + sku + "/receipts"),
        "{\"receiptId\":\"" + receiptId + "\",\"quantity\":" + quantity + "}", 30);
    assertThat(r.status()).as("receipt %s", r.body()).isEqualTo(200);
  }

  private static Http.Response reserve(String sku, String orderId, long quantity, int holdSeconds, Integer wait) {
    return http.post(cmd("/skus/" + sku + "/reservations"),
        "{\"orderId\":\"" + orderId + "\",\"quantity\":" + quantity + ",\"holdSeconds\":" + holdSeconds + "}", wait);
  }

  private static JsonNode skuWhenCaughtUp(String sku, String token) {
    Http.Response r = http.get(qry("/skus/" + sku + "?minPosition=" + token + "&wait=10"));
    assertThat(r.status()).as("read of %s: %s", sku, r.body()).isEqualTo(200);
    assertThat(r.body().path("freshness").path("behind").asBoolean()).as("caught up with %s", token).isFalse();
    return r.body();
  }

  @Test
  void everyServiceAnswersHealthReadinessAndMetrics() {
    for (String base : List.of(stack.commandUrl(), stack.queryUrl(), stack.projectorUrl())) {
      assertThat(http.get(base + "/health").status()).as("%s/health", base).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(http.get(base + "/ready").status()).as("%s/ready", base).isEqualTo(200));
      Http.Response metrics = http.getText(base + "/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.raw().body()).as("%s/metrics", base).contains("jvm_memory_used_bytes");
    }
    assertThat(http.getText(stack.projectorUrl() + "/metrics").raw().body())
        .contains("stocklog_sink_outcomes_applied").contains("kafka_stream");
  }

  @Test
  void commandsTakeTheRunsOperatorTokenOrComeFromThisMachineAndReadsNeedNone() {
    String token = stack.generatedToken().orElseThrow();
    String sku = "AUTH-1";

    Http.Response withToken = http.post(cmd("/skus/" + sku + "/adjustments"),
        "{\"adjustmentId\":\"a-1\",\"delta\":5,\"reason\":\"found\"}", 30, "Authorization", "Bearer " + token);
    Http.Response wrongToken = http.post(cmd("/skus/" + sku + "/receipts"),
        "{\"receiptId\":\"r-1\",\"quantity\":1}", null, "Authorization", "Bearer " + token + "x");
    Http.Response noToken = http.post(cmd("/skus/" + sku + "/receipts"), "{\"receiptId\":\"r-2\",\"quantity\":1}", 30);

    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(withToken.status()).as("%s", withToken.body()).isEqualTo(200);
    assertThat(wrongToken.status()).as("%s", wrongToken.body()).isEqualTo(401);
    assertThat(wrongToken.raw().headers().firstValue("WWW-Authenticate")).contains(
        "Bearer realm=\"stocklog\", error=\"invalid_token\"");
    assertThat(noToken.status()).as("from loopback without a token: %s", noToken.body()).isEqualTo(200);
    JsonNode read = skuWhenCaughtUp(sku, noToken.text("position"));
    assertThat(read.get("onHand").asLong()).isEqualTo(6);
  }

  @Test
  void aFlashSaleHoldsExactlyTheStockAndNoReadEverShowsAnInconsistentSku() throws Exception {
    String sku = "FLASH-1";
    receive(sku, "r-flash", 1_000);

    AtomicBoolean selling = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> badReads = new ConcurrentLinkedQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      while (selling.get()) {
        Http.Response r = http.get(qry("/skus/" + sku));
        if (r.status() == 200) {
          long onHand = r.number("onHand");
          long reserved = r.number("reserved");
          long available = r.number("available");
          if (reserved < 0 || reserved > onHand || available != onHand - reserved || available < 0) {
            badReads.add(r.body().toString());
          }
        }
      }
    });

    int clients = 200;
    int requests = 5_000;
    Semaphore concurrency = new Semaphore(clients);
    List<Future<Http.Response>> answers = new ArrayList<>(requests);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        String orderId = "flash-" + i;
        answers.add(pool.submit(() -> {
          concurrency.acquire();
          try {
            return reserve(sku, orderId, 1, 600, 30);
          } finally {
            concurrency.release();
          }
        }));
      }
    }
    Map<Integer, Integer> byStatus = new HashMap<>();
    String lastToken = null;
    for (Future<Http.Response> f : answers) {
      Http.Response r = f.get();
      byStatus.merge(r.status(), 1, Integer::sum);
      if (r.status() == 409) {
        assertThat(r.text("reason")).isEqualTo("OUT_OF_STOCK");
      }
      lastToken = r.text("position");
    }
    assertThat(byStatus).as("answers by status").isEqualTo(Map.of(201, 1_000, 409, 4_000));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Http.Response r = http.get(qry("/skus/" + sku));
      assertThat(r.number("reserved")).isEqualTo(1_000);
      assertThat(r.number("available")).isZero();
    });
    selling.set(false);
    reader.join();
    assertThat(badReads).as("reads showing a negative or inconsistent SKU").isEmpty();
    assertThat(lastToken).isNotNull();
  }

  @Test
  void theSameRequestSentTwiceAndConcurrentlyHoldsStockOnceAndAnswersTheSame() throws Exception {
    String sku = "TWICE-1";
    receive(sku, "r-twice", 10);
    List<Future<Http.Response>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(() -> reserve(sku, "o-same", 3, 600, 30)));
      }
    }
    int firsts = 0;
    for (Future<Http.Response> f : answers) {
      Http.Response r = f.get();
      assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
      assertThat(r.text("decision")).isEqualTo("HELD");
      firsts += r.body().path("duplicate").asBoolean() ? 0 : 1;
    }
    assertThat(firsts).as("exactly one request was the first").isEqualTo(1);
    Http.Response again = reserve(sku, "o-same", 3, 600, 30);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body().path("duplicate").asBoolean()).isTrue();
    Http.Response different = reserve(sku, "o-same", 4, 600, 30);
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.text("reason")).isEqualTo("ID_CONFLICT");

    JsonNode read = skuWhenCaughtUp(sku, different.text("position"));
    assertThat(read.path("reserved").asLong()).isEqualTo(3);
    assertThat(read.path("available").asLong()).isEqualTo(7);
  }

  @Test
  void confirmCancelExtendAndExpiryAreEachVisibleInTheReadModel() {
    String sku = "PATHS-1";
    receive(sku, "r-paths", 20);
    assertThat(reserve(sku, "o-confirm", 2, 600, 30).status()).isEqualTo(201);
    assertThat(reserve(sku, "o-cancel", 3, 600, 30).status()).isEqualTo(201);
    Http.Response extendMe = reserve(sku, "o-extend", 1, 60, 30);
    assertThat(extendMe.status()).isEqualTo(201);
    assertThat(reserve(sku, "o-expire", 4, 1, 30).status()).isEqualTo(201);

    Http.Response confirmed = http.post(cmd("/skus/" + sku + "/reservations/o-confirm/confirm"), null, 30);
    assertThat(confirmed.status()).as("%s", confirmed.body()).isEqualTo(200);
    assertThat(confirmed.text("decision")).isEqualTo("CONFIRMED");
    Http.Response cancelled = http.post(cmd("/skus/" + sku + "/reservations/o-cancel/cancel"), null, 30);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.text("decision")).isEqualTo("CANCELLED");
    Http.Response extended = http.post(cmd("/skus/" + sku + "/reservations/o-extend/extend"), "{\"holdSeconds\":3600}", 30);
    assertThat(extended.status()).isEqualTo(200);
    assertThat(Instant.parse(extended.text("expiresAt"))).isAfter(Instant.parse(extendMe.text("expiresAt")));

    // o-expire held 4 units for one second; a tick moves log time on when it is due, so it expires with no other traffic.
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Http.Response r = http.get(qry("/skus/" + sku + "/reservations/o-expire"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text("status")).isEqualTo("EXPIRED");
    });
    Http.Response late = http.post(cmd("/skus/" + sku + "/reservations/o-expire/confirm"), null, 30);
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.text("reason")).isEqualTo("EXPIRED");

    JsonNode read = skuWhenCaughtUp(sku, late.text("position"));
    assertThat(read.path("onHand").asLong()).as("confirm shipped 2").isEqualTo(18);
    assertThat(read.path("reserved").asLong()).as("only o-extend is still held").isEqualTo(1);
    assertThat(http.get(qry("/skus/" + sku + "/reservations/o-confirm")).text("status")).isEqualTo("CONFIRMED");
    assertThat(http.get(qry("/skus/" + sku + "/reservations/o-cancel")).text("status")).isEqualTo("CANCELLED");
    Http.Response ext = http.get(qry("/skus/" + sku + "/reservations/o-extend"));
    assertThat(ext.text("status")).isEqualTo("HELD");
    assertThat(Instant.parse(ext.text("expiresAt"))).isEqualTo(Instant.parse(extended.text("expiresAt")));
  }

  @Test
  void aReservationForASkuThatNeverHadStockIsUnknownNotSoldOutAndLeavesNoStockRow() {
    Http.Response r = reserve("NEVER-STOCKED-1", "o-typo", 2, 600, 10);

    assertThat(r.status()).as("%s", r.body()).isEqualTo(409);
    assertThat(r.text("reason")).isEqualTo("UNKNOWN_SKU");
    assertThat(r.text("detail")).contains("has never had stock").doesNotContain("out of stock");
    assertThat(r.body().has("expiresAt")).as("a refused request held nothing").isFalse();
    Http.Response reservation = http.get(qry("/skus/NEVER-STOCKED-1/reservations/o-typo?minPosition="
        + r.text("position") + "&wait=10"));
    assertThat(reservation.status()).isEqualTo(200);
    assertThat(reservation.text("status")).isEqualTo("REJECTED");
    assertThat(reservation.text("rejectReason")).isEqualTo("UNKNOWN_SKU");
    assertThat(http.get(qry("/skus/NEVER-STOCKED-1")).status()).as("no phantom row saying 0 available").isEqualTo(404);

    receive("STOCKED-THEN-EMPTY-1", "r-1", 1);
    assertThat(reserve("STOCKED-THEN-EMPTY-1", "o-1", 1, 600, 10).status()).isEqualTo(201);
    Http.Response soldOut = reserve("STOCKED-THEN-EMPTY-1", "o-2", 1, 600, 10);
    assertThat(soldOut.text("reason")).as("a SKU whose stock ran out is out of stock").isEqualTo("OUT_OF_STOCK");
  }

  @Test
  void aReservationsPositionTokenReadsItsOwnWrite() {
    String sku = "RYW-1";
    receive(sku, "r-ryw", 5);
    Http.Response accepted = reserve(sku, "o-ryw", 2, 600, null);
    assertThat(accepted.status()).isEqualTo(202);
    String token = accepted.text("position");
    Http.Response read = http.get(qry("/skus/" + sku + "/reservations/o-ryw?minPosition=" + token + "&wait=10"));
    assertThat(read.status()).as("%s", read.body()).isEqualTo(200);
    assertThat(read.text("status")).isEqualTo("HELD");
    assertThat(read.number("quantity")).isEqualTo(2);
  }

  @Test
  void aMalformedRecordProducedStraightToTheTopicIsDeadLetteredAndTheNextOneIsStillDecided() throws Exception {
    String sku = "POISON-1";
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.events(), sku, "not json at all".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>(TOPICS.events(), sku,
          EventCodec.encode(Events.received(sku, "r-after-poison", 7, Instant.now())))).get();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Http.Response r = http.get(qry("/skus/" + sku));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.number("onHand")).isEqualTo(7);
    });
    List<JsonNode> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer("dlq-check")) {
      consumer.subscribe(List.of(TOPICS.deadLetters()));
      long end = System.currentTimeMillis() + 15_000;
      while (letters.isEmpty() && System.currentTimeMillis() < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode letter = Json.MAPPER.readTree(r.value());
          if (sku.equals(letter.path("key").asText())) {
            letters.add(letter);
          }
        }
      }
    }
    assertThat(letters).singleElement().satisfies(l -> {
      assertThat(l.path("error").asText()).contains("not valid JSON");
      assertThat(new String(java.util.Base64.getDecoder().decode(l.path("value").asText()), StandardCharsets.UTF_8))
          .isEqualTo("not json at all");
    });
  }

  @Test
  void restartingTheProjectorMidStreamLeavesNoDecisionDoubledOrLost() throws Exception {
    String sku = "RESTART-1";
    receive(sku, "r-restart", 300);
    int requests = 600;
    List<Future<Http.Response>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        String orderId = "restart-" + i;
        answers.add(pool.submit(() -> reserve(sku, orderId, 1, 600, null)));
        if (i == requests / 2) {
          stack.restartProjector();
        }
      }
    }
    Set<String> accepted = new HashSet<>();
    for (Future<Http.Response> f : answers) {
      Http.Response r = f.get();
      assertThat(r.status()).isEqualTo(202);
      accepted.add(r.text("eventId"));
    }
    assertThat(accepted).hasSize(requests);

    Map<String, Integer> decisionsPerEvent = new HashMap<>();
    int held = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer("restart-check")) {
      consumer.subscribe(List.of(TOPICS.outcomes()));
      long end = System.currentTimeMillis() + 60_000;
      while (decisionsPerEvent.size() < requests && System.currentTimeMillis() < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Outcome o = Json.MAPPER.readValue(r.value(), Outcome.class);
          if (accepted.contains(o.eventId()) && o.decision() != Decision.EXPIRED) {
            decisionsPerEvent.merge(o.eventId(), 1, Integer::sum);
            held += o.decision() == Decision.HELD ? 1 : 0;
          }
        }
      }
    }
    assertThat(decisionsPerEvent).as("one decision per accepted event").hasSize(requests);
    assertThat(decisionsPerEvent.values()).allMatch(n -> n == 1);
    assertThat(held).isEqualTo(300);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Http.Response r = http.get(qry("/skus/" + sku));
      assertThat(r.number("reserved")).isEqualTo(300);
      assertThat(r.number("available")).isZero();
    });
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String group) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-" + System.nanoTime());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
