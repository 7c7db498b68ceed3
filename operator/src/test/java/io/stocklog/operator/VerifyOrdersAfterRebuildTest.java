package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.events.ClockTick;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
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
 * Orders in the log, as an operator checks them: orders of several lines placed straight to Kafka (held, rejected
 * for stock, confirmed, cancelled, extended, expired, repeated, a cancel of a rejected order, a confirm of an order
 * never placed), decided by the running projector; then `rebuild` and `verify` find no difference, orders included;
 * then order rows of the new read model are tampered with in Postgres and `verify` names exactly those.
 */
class VerifyOrdersAfterRebuildTest {

  private static final TopicSettings TOPICS = TopicSettings.defaults();
  private static final List<String> SKUS = List.of("sku-a", "sku-b", "sku-c", "sku-d");
  private static final int RANDOM_ORDERS = 60;
  /** One order of each fate on a SKU of its own, so each fate is reached whatever the others' interleaving. */
  private static final List<Integer> SURE_FATES = List.of(0, 2, 3, 4);
  private static final int ORDERS = RANDOM_ORDERS + SURE_FATES.size();
  private static LocalStack stack;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    stack = LocalStack.start(0, 0, 0, 4, "verify_orders_" + Long.toHexString(System.nanoTime()));
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
  void aRebuildWithOrdersInTheLogVerifiesCleanAndVerifyNamesExactlyTheTamperedOrders() throws Exception {
    produceHistory(new Random(11));
    // Every order decided, the short holds expired by the ticks, every confirm through its two phases.
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      assertThat(count("select count(*) from orders")).isEqualTo(ORDERS);
      assertThat(count("select count(*) from orders where status = 'PENDING'")).isZero();
      assertThat(count("select count(*) from reservation where status = 'PREPARED'")).isZero();
      assertThat(count("select count(*) from orders where status = 'EXPIRED'")).as("EXPIRED orders").isPositive();
      assertThat(count("select count(*) from orders where status = 'CONFIRMED'")).as("CONFIRMED orders").isPositive();
    });

    Run rebuild = cli("rebuild", "--name", "v1", "--timeout", "120");
    assertThat(rebuild.exit()).as(rebuild.output()).isZero();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(count("select count(*) from rm_v1.orders")).isEqualTo(ORDERS));

    Run clean = cli("verify");
    assertThat(clean.exit()).as(clean.output()).isZero();
    assertThat(clean.output()).contains("projection v1 (schema rm_v1)", ORDERS + " orders compared", "no differences");
    for (String status : List.of("HELD", "REJECTED", "CONFIRMED", "CANCELLED", "EXPIRED")) {
      assertThat(count("select count(*) from rm_v1.orders where status = '" + status + "'")).as(status).isPositive();
    }
    assertThat(count("select count(*) from rm_v1.orders where status = 'REJECTED' and reject_reason = 'OUT_OF_STOCK'"
        + " and exists (select 1 from jsonb_array_elements(lines) l where l ? 'available')")).isPositive();
    assertThat(cli("verify", "--projection", "main").exit()).isZero();

    String confirmed = first("select order_id from rm_v1.orders where status = 'CONFIRMED' order by order_id");
    String expired = first("select order_id from rm_v1.orders where status = 'EXPIRED' order by order_id");
    String deleted = first("select order_id from rm_v1.orders where status = 'CANCELLED' order by order_id");
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("update rm_v1.orders set status = 'CANCELLED' where order_id = '" + confirmed + "'"))
          .isEqualTo(1);
      assertThat(s.executeUpdate("update rm_v1.orders set lines = jsonb_set(lines, '{0,quantity}', '99') "
          + "where order_id = '" + expired + "'")).isEqualTo(1);
      assertThat(s.executeUpdate("delete from rm_v1.orders where order_id = '" + deleted + "'")).isEqualTo(1);
      assertThat(s.executeUpdate("insert into rm_v1.orders select 'ghost-order', status, reject_reason, expires_at, "
          + "lines, position_partition, position_offset, updated_at from rm_v1.orders where order_id = '" + expired
          + "'")).isEqualTo(1);
    }
    Run tampered = cli("verify", "--attempts", "1");
    assertThat(tampered.exit()).as(tampered.output()).isEqualTo(3);
    assertThat(tampered.output()).contains("4 difference(s)");
    List<String> lines = tampered.output().lines().filter(l -> l.startsWith("  ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders " + confirmed + ": status expected CONFIRMED"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders " + expired + ": lines expected"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders " + deleted + ": missing"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders ghost-order: in the read model but not"));
    assertThat(cli("verify", "--projection", "main").exit()).as("the read model of main is untouched").isZero();
  }

  /**
   * Four SKUs of 8 units and 60 orders of 1 to 3 lines (after four sure ones, see above), straight to the events topic, each keyed by its order ID
   * with the default partitioner as the projector requires; the history is the last six minutes in log time.
   */
  private static void produceHistory(Random random) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Instant t0 = Instant.now().minus(Duration.ofMinutes(6));
    try (KafkaProducer<String, byte[]> producer =
             new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (String sku : SKUS) {
        send(producer, Events.received(sku, "r-" + sku, 8, t0));
      }
      // Which of the random orders are held depends on how the coordinators' line commands interleave in the SKUs'
      // partitions, so a fate may meet only rejected orders; these take one unit each of a SKU nobody else asks for.
      send(producer, Events.received("sku-sure", "r-sure", 8, t0));
      List<OrderPlaced> placed = new ArrayList<>();
      List<Integer> fates = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        Instant at = t0.plusSeconds(5L * i);
        List<OrderPlaced.Line> lines = new ArrayList<>();
        int fate;
        if (i < SURE_FATES.size()) {
          lines.add(new OrderPlaced.Line("sku-sure", 1));
          fate = SURE_FATES.get(i);
        } else {
          for (int l = 0, n = 1 + random.nextInt(3); l < n; l++) {
            lines.add(new OrderPlaced.Line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(3)));
          }
          fate = random.nextInt(5);
        }
        // 0, 1: confirmed; 2: cancelled; 3: extended; 4: left to expire. An order that will be asked for something
        // holds for 20 minutes, past the wall clock's now, so no tick expires its lines while the coordinator's
        // phases go round; one left to expire holds for 30 s, long past by the wall clock, and the ticks expire it.
        fates.add(fate);
        // The sure one left to expire holds until 15 s after now by the wall clock instead: its line is asked for
        // after the coordinator folds its placement, when its SKU's partition may have folded the whole history and
        // be minutes past `at`, where a 30 s hold would be refused as EXPIRED rather than held and then expired.
        int hold = fate != 4 ? 1200 : i < SURE_FATES.size() ? holdUntil(at, Instant.now().plusSeconds(15)) : 30;
        OrderPlaced order = Events.placed("ord-" + i, hold, lines, at);
        placed.add(order);
        send(producer, order);
        if (i % 7 == 3) {
          send(producer, order); // a repeat
        }
        if (i >= 3) {
          OrderPlaced earlier = placed.get(i - 3);
          Event request = switch (fates.get(i - 3)) {
            case 0, 1 -> Events.orderConfirmed(earlier.orderId(), at);
            case 2 -> Events.orderCancelled(earlier.orderId(), at);
            case 3 -> Events.orderExtended(earlier.orderId(), 2400, at);
            default -> null;
          };
          if (request != null) {
            send(producer, request);
          }
        }
        if (i % 20 == 10) {
          send(producer, Events.orderConfirmed("never-placed-" + i, at));
        }
        // Stock comes back now and then, so later orders are held again.
        if (i % 10 == 9) {
          send(producer, Events.received(SKUS.get(random.nextInt(SKUS.size())), "r-" + i, 6, at));
        }
      }
      producer.flush();
    }
  }

  private static int holdUntil(Instant from, Instant until) {
    return Math.toIntExact(Duration.between(from, until).toSeconds());
  }

  private static void send(KafkaProducer<String, byte[]> producer, Event e) {
    String key = switch (e) {
      case SkuEvent s -> s.sku();
      case OrderEvent o -> o.orderId();
      case ClockTick t -> throw new IllegalArgumentException("not sent here: " + t);
    };
    producer.send(new ProducerRecord<>(TOPICS.events(), key, EventCodec.encode(e)));
  }

  private static String first(String sql) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
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
