package io.stocklog.readmodel;

import static io.stocklog.readmodel.TestOutcomes.T0;
import static io.stocklog.readmodel.TestOutcomes.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.json.JsonSerde;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink applying orders' outcomes (the records with {@link OrderOutcome#HEADER}) into the {@code orders} table,
 * with a real broker and a real Postgres: in the batch's transaction, position-guarded, converging on redelivery.
 */
@WithInfra
class OrderSinkTest {

  private static final Instant DEADLINE = T0.plusSeconds(300);

  private final TestKafka kafka;
  private final TestDatabase db;
  private final String topic;
  private KafkaProducer<String, byte[]> producer;
  private ReadModelQueries queries;

  OrderSinkTest(TestKafka kafka, TestDatabase db) {
    this.kafka = kafka;
    this.db = db;
    this.topic = kafka.createUniqueTopic("outcomes", 2);
  }

  @BeforeEach
  void open() {
    queries = new ReadModelQueries(db.dataSource());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("outcomes-tx"));
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  @AfterEach
  void close() {
    producer.close();
  }

  /** Writes SKU and order outcomes in one transaction, in the given order, as the projector does. */
  private void publish(List<?> outcomes) throws Exception {
    producer.beginTransaction();
    for (Object o : outcomes) {
      switch (o) {
        case Outcome s -> producer.send(new ProducerRecord<>(topic, Position.parse(s.position()).partition(),
            s.sku(), JsonSerde.of(Outcome.class).serializer().serialize(topic, s)));
        case OrderOutcome order -> {
          ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic,
              Position.parse(order.position()).partition(), order.orderId(), Json.MAPPER.writeValueAsBytes(order));
          r.headers().add(OrderOutcome.HEADER, new byte[] {1});
          producer.send(r);
        }
        default -> throw new IllegalArgumentException(o.toString());
      }
    }
    producer.commitTransaction();
  }

  private SinkConfig config(String group) {
    return new SinkConfig(kafka.bootstrapServers(), topic, group, 2000, Duration.ofMillis(200),
        Duration.ofMillis(400));
  }

  private static OrderOutcome order(String orderId, String eventType, Decision decision, Reason reason,
      OrderStatus status, Instant expiresAt, List<OrderOutcome.Line> lines, boolean duplicate, int partition,
      long offset) {
    return new OrderOutcome("e-" + orderId + "-" + offset, eventType, orderId, decision, reason, status, expiresAt,
        lines, duplicate, T0.plusSeconds(offset), new Position(partition, offset).token());
  }

  private static List<OrderOutcome.Line> lines(ReservationStatus status) {
    return List.of(new OrderOutcome.Line("a", 2, status, null, null), new OrderOutcome.Line("b", 1, status, null,
        null));
  }

  private static Outcome line(String sku, String orderId, Decision decision, long onHand, long reserved,
      int partition, long offset) {
    return new Outcome("l-" + offset, "OrderLinePrepared", sku, orderId, decision, null, 2, onHand, reserved,
        DEADLINE, false, T0.plusSeconds(offset), new Position(partition, offset).token());
  }

  @Test
  void anOrdersRowIsItsNewestOutcomeAndRedeliveryOrOlderOutcomesNeverMoveItBack() throws Exception {
    OrderOutcome pending = order("o-1", "OrderPlaced", Decision.PENDING, null, OrderStatus.PENDING, null,
        lines(null), false, 0, 3);
    OrderOutcome held = order("o-1", "OrderLineDecided", Decision.HELD, null, OrderStatus.HELD, DEADLINE,
        lines(ReservationStatus.HELD), false, 0, 6);
    OrderOutcome confirmed = order("o-1", "OrderLineDecided", Decision.CONFIRMED, null, OrderStatus.CONFIRMED,
        DEADLINE, lines(ReservationStatus.CONFIRMED), false, 0, 9);
    List<OrderOutcome.Line> refused = List.of(new OrderOutcome.Line("a", 2, ReservationStatus.CANCELLED, null, null),
        new OrderOutcome.Line("b", 9, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 4L));
    OrderOutcome rejected = order("o-2", "OrderLineDecided", Decision.REJECTED, Reason.OUT_OF_STOCK,
        OrderStatus.REJECTED, null, refused, false, 0, 8);
    // Neither a repeat nor an answer about an order never placed writes a row.
    OrderOutcome repeat = order("o-2", "OrderPlaced", Decision.REJECTED, Reason.OUT_OF_STOCK, OrderStatus.REJECTED,
        null, List.of(), true, 0, 10);
    OrderOutcome unknown = order("o-3", "OrderConfirmed", Decision.REJECTED, Reason.UNKNOWN_ORDER, null, null,
        List.of(), false, 0, 11);

    publish(List.of(received("a", 5, 5, 0, 0, 0), pending));
    try (OutcomeSink sink = OutcomeSink.start(config(kafka.uniqueName("read-model")), db.dataSource())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> queries.order("o-1").isPresent());
      OrderRow row = queries.order("o-1").orElseThrow();
      assertThat(row.status()).isEqualTo(OrderStatus.PENDING);
      assertThat(row.lines()).extracting(OrderOutcome.Line::status).containsOnlyNulls();
      assertThat(row.expiresAt()).isNull();
      assertThat(queries.appliedPosition(0).flatMap(PartitionPosition::position))
          .as("an order outcome's position counts for its partition").contains(new Position(0, 3));

      publish(List.of(held, line("a", "o-1", Decision.PREPARED, 5, 2, 0, 7), rejected, confirmed, repeat, unknown));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
          queries.appliedPosition(0).flatMap(PartitionPosition::position)).contains(new Position(0, 11)));
      assertThat(queries.order("o-1").orElseThrow()).isEqualTo(new OrderRow("o-1", OrderStatus.CONFIRMED, null,
          DEADLINE, lines(ReservationStatus.CONFIRMED), new Position(0, 9), T0.plusSeconds(9)));
      assertThat(queries.order("o-2").orElseThrow()).isEqualTo(new OrderRow("o-2", OrderStatus.REJECTED,
          Reason.OUT_OF_STOCK, null, refused, new Position(0, 8), T0.plusSeconds(8)));
      assertThat(queries.order("o-3")).as("never placed").isEmpty();
      assertThat(queries.reservation("a", "o-1").orElseThrow().status()).as("a prepared line shows as such")
          .isEqualTo(ReservationStatus.PREPARED);

      // Redelivered, and older outcomes again: nothing moves back.
      publish(List.of(pending, held, rejected, confirmed));
      publish(List.of(received("a", 1, 6, 2, 0, 12)));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
          queries.appliedPosition(0).flatMap(PartitionPosition::position)).contains(new Position(0, 12)));
      assertThat(queries.order("o-1").orElseThrow().status()).isEqualTo(OrderStatus.CONFIRMED);
      assertThat(queries.order("o-1").orElseThrow().position()).isEqualTo(new Position(0, 9));
      assertThat(queries.order("o-2").orElseThrow().status()).isEqualTo(OrderStatus.REJECTED);
    }

    // A second sink from the beginning (a replay over the same rows) leaves them exactly as they were.
    OrderRow before = queries.order("o-1").orElseThrow();
    OrderRow rejectedBefore = queries.order("o-2").orElseThrow();
    try (OutcomeSink again = OutcomeSink.start(config(kafka.uniqueName("again")), db.dataSource())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> again.outcomesApplied() >= 13);
      assertThat(queries.order("o-1")).contains(before);
      assertThat(queries.order("o-2")).contains(rejectedBefore);
    }
  }
}
