package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.local.LocalStack;
import io.stocklog.topics.TopicSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The correctness test, as an operator runs it: a history over 500 SKUs with every kind of event
 * (receipts, adjustments accepted and rejected, reservations held and out of stock, confirms, cancels,
 * extends, expiries, repeated IDs with the same and a different body, a poison record), then `rebuild`,
 * then `verify` finds no difference; then rows of the new read model are tampered with in Postgres and
 * `verify` names exactly those.
 */
class VerifyAfterRebuildTest {

  private static final TopicSettings TOPICS = TopicSettings.defaults();
  private static final int SKUS = 500;
  private static LocalStack stack;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    stack = LocalStack.start(0, 0, 0, 4, "verify_" + Long.toHexString(System.nanoTime()));
    env = new HashMap<>(stack.joiningEnvironment());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Main.run(env, new PrintStream(out, true, StandardCharsets.UTF_8), false, args);
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.println("$ " + String.join(" ", args) + "\n" + text);
    return new Run(exit, text);
  }

  private record Run(int exit, String output) {}

  @Test
  void aRebuildOfAFullHistoryVerifiesCleanAndVerifyNamesExactlyTheTamperedRows() throws Exception {
    int events = produceHistory(new Random(7));
    assertThat(events).isGreaterThan(5_000);

    Run rebuild = cli("rebuild", "--name", "v1", "--timeout", "120");
    assertThat(rebuild.exit()).as(rebuild.output()).isZero();
    // The history ends an hour ago in log time, so every hold left is due by the wall clock: the projector's ticks
    // expire them within seconds; then nothing moves.
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(count("select count(*) from rm_v1.reservation where status = 'HELD'")).isZero());

    Run clean = cli("verify");
    assertThat(clean.exit()).as(clean.output()).isZero();
    assertThat(clean.output()).contains("projection v1 (schema rm_v1)", "no differences");
    assertThat(count("select count(*) from rm_v1.sku_stock")).isEqualTo(SKUS);
    assertThat(count("select count(*) from rm_v1.reservation where status = 'EXPIRED'")).isPositive();
    assertThat(count("select count(*) from rm_v1.reservation where status = 'REJECTED'")).isPositive();
    assertThat(cli("verify", "--projection", "main").exit()).isZero();

    String confirmed;
    try (Connection c = connect(); Statement s = c.createStatement();
         var rs = s.executeQuery("select sku, order_id from rm_v1.reservation where status = 'CONFIRMED' and sku <> 'sku-13'"
             + " order by sku, order_id limit 1")) {
      assertThat(rs.next()).isTrue();
      confirmed = rs.getString(1) + "/" + rs.getString(2);
    }
    String[] parts = confirmed.split("/");
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("update rm_v1.sku_stock set reserved = reserved + 1, available = available - 1 "
          + "where sku = 'sku-7' and available > 0")).isEqualTo(1);
      assertThat(s.executeUpdate("update rm_v1.reservation set status = 'CANCELLED' where sku = '" + parts[0]
          + "' and order_id = '" + parts[1] + "'")).isEqualTo(1);
      assertThat(s.executeUpdate("delete from rm_v1.reservation where sku = 'sku-13' and order_id = "
          + "(select min(order_id) from rm_v1.reservation where sku = 'sku-13')")).isEqualTo(1);
      assertThat(s.executeUpdate("insert into rm_v1.sku_stock select 'ghost', on_hand, reserved, available, "
          + "position_partition, position_offset, updated_at from rm_v1.sku_stock where sku = 'sku-1'")).isEqualTo(1);
    }
    Run tampered = cli("verify", "--attempts", "1");
    assertThat(tampered.exit()).as(tampered.output()).isEqualTo(3);
    assertThat(tampered.output()).contains("4 difference(s)", "sku-7", "ghost");
    List<String> lines = tampered.output().lines().filter(l -> l.startsWith("  ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("sku_stock sku-7").contains("reserved"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("sku_stock ghost"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("reservation " + confirmed).contains("status"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("reservation sku-13"));
    // The read model of main, kept current beside, is untouched.
    assertThat(cli("verify", "--projection", "main").exit()).isZero();
  }

  /** Produces the history straight to the events topic, as an upstream service may; returns its size. */
  private static int produceHistory(Random random) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // occurredAt: four hours ago onwards, two seconds an event; each partition's clock follows its own events. Holds
    // of 1 to 15 minutes against about three hours of history, so some are confirmed, cancelled or extended while
    // held and others have expired first.
    Instant t0 = Instant.now().minus(Duration.ofHours(4));
    int n = 0;
    Map<String, List<String>> orders = new HashMap<>();
    List<SkuEvent> earlier = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int s = 0; s < SKUS; s++) {
        SkuEvent e = Events.received("sku-" + s, "r-" + s, 3 + random.nextInt(12), t0);
        send(producer, e);
        earlier.add(e);
        n++;
      }
      for (int i = 0; i < 5_500; i++) {
        Instant at = t0.plusSeconds(2L * i);
        String sku = "sku-" + random.nextInt(SKUS);
        List<String> skuOrders = orders.computeIfAbsent(sku, k -> new ArrayList<>());
        String some = skuOrders.isEmpty() ? "o-none-" + i : skuOrders.get(random.nextInt(skuOrders.size()));
        SkuEvent e = switch (random.nextInt(12)) {
          case 0, 1, 2, 3 -> {
            String order = "o-" + i;
            skuOrders.add(order);
            yield Events.requested(sku, order, 1 + random.nextInt(4), 60 + random.nextInt(840), at);
          }
          case 4 -> Events.confirmed(sku, some, at);
          case 5 -> Events.cancelled(sku, some, at);
          case 6 -> Events.extended(sku, some, 60 + random.nextInt(540), at);
          case 7 -> Events.adjusted(sku, "a-" + i, random.nextBoolean() ? 1 + random.nextInt(5) : -1 - random.nextInt(8),
              "recount", at);
          case 8 -> Events.received(sku, "r-" + i, 1 + random.nextInt(6), at);
          case 9 -> earlier.get(random.nextInt(earlier.size())); // the same event again: a duplicate
          case 10 -> Events.requested(sku, skuOrders.isEmpty() ? "o-x-" + i : some, 9, 5, at); // same ID, other body
          default -> Events.received(sku, "r-" + random.nextInt(SKUS), 1, at); // a used receipt ID, maybe another SKU's
        };
        send(producer, e);
        earlier.add(e);
        n++;
      }
      producer.send(new ProducerRecord<>(TOPICS.events(), "sku-3", "{\"type\":\"StockReceived\"}".getBytes(StandardCharsets.UTF_8))).get();
      n++;
      producer.flush();
    }
    return n;
  }

  private static void send(KafkaProducer<String, byte[]> producer, SkuEvent e) {
    producer.send(new ProducerRecord<>(TOPICS.events(), e.sku(), EventCodec.encode(e)));
  }

  private static long count(String sql) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(stack.database().jdbcUrl(), stack.database().user(), stack.database().password());
  }
}
