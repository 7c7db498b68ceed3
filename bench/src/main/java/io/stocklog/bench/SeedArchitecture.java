package io.stocklog.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.topics.TopicBootstrap;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Contender 11, the architecture seed 001 recommends: order events on a Kafka topic partitioned by SKU,
 * consumers applying version-checked (OCC) updates to Postgres, idempotent by order ID. Each consumer
 * applies one poll's records in one transaction (one commit per batch, as such a consumer would), then
 * commits the offsets; a decision is known when its transaction has committed.
 */
final class SeedArchitecture implements Contender {

  private static final String READ_ORDER = "SELECT status FROM bench_orders WHERE order_id = ?";
  private static final String READ_STOCK = "SELECT available, version FROM bench_stock WHERE sku = ?";
  private static final String WRITE_STOCK = "UPDATE bench_stock SET available = ?, version = version + 1 WHERE sku = ? AND version = ?";
  private static final String INSERT_ORDER = "INSERT INTO bench_orders (order_id, sku, quantity, status) VALUES (?, ?, ?, ?)";
  private static final String SET_STATUS = "UPDATE bench_orders SET status = ? WHERE order_id = ?";

  private final BenchDatabase db;
  private final HikariDataSource pool;
  private final Durability durability;
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final int inFlight;
  private final ConcurrentHashMap<String, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong conflicts = new AtomicLong();
  private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  SeedArchitecture(BenchDatabase db, String bootstrapServers, String topic, int partitions, int consumerCount,
      int inFlight) throws Exception {
    this.db = db;
    this.topic = topic;
    this.inFlight = inFlight;
    this.pool = db.pool("seed-architecture", consumerCount + 1);
    try {
      // A decision is answered once its batch's Postgres transaction commits: it is as durable as that commit
      // (the requests themselves sit in the broker's page cache until applied).
      this.durability = BenchDatabase.durability(pool);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    // Writing to the new topic before its leaders act stalled this contender for two minutes (Kafka 4.1; 4.3 still loses sends there).
    TopicBootstrap.awaitLeaders(producer, topic, partitions, Duration.ofSeconds(30));
    // The metadata names the leader a moment before that broker's replica manager acts as it.
    Thread.sleep(1_000);
    for (int i = 0; i < consumerCount; i++) {
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      c.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-appliers");
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
      c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
      KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
      consumer.subscribe(List.of(topic));
      consumers.add(consumer);
      threads.add(Thread.ofPlatform().name("seed-applier-" + i).daemon(true).start(() -> apply(consumer)));
    }
  }

  @Override
  public String name() {
    return "Kafka by SKU + OCC consumer (seed)";
  }

  @Override
  public Durability durability() {
    return durability;
  }

  @Override
  public int concurrency() {
    return inFlight;
  }

  @Override
  public String note() {
    return conflicts.get() == 0 ? "" : conflicts.get() + " OCC conflicts";
  }

  @Override
  public void load(Map<String, Long> stock) throws SQLException {
    db.reset(pool, stock);
  }

  @Override
  public Map<String, Long> remaining(Iterable<String> skus) throws SQLException {
    return BenchDatabase.remaining(pool);
  }

  private CompletableFuture<Answer> send(char op, String sku, String orderId, int quantity) {
    CompletableFuture<Answer> f = new CompletableFuture<>();
    pending.put(op + orderId, f);
    producer.send(new ProducerRecord<>(topic, sku, op + "|" + orderId + "|" + quantity), (md, e) -> {
      if (e != null) {
        pending.remove(op + orderId);
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public CompletableFuture<Answer> reserve(String sku, String orderId, int quantity) {
    return send('R', sku, orderId, quantity);
  }

  @Override
  public CompletableFuture<Answer> confirm(String sku, String orderId, int quantity) {
    return send('C', sku, orderId, quantity);
  }

  @Override
  public CompletableFuture<Answer> cancel(String sku, String orderId, int quantity) {
    return send('X', sku, orderId, quantity);
  }

  private void apply(KafkaConsumer<String, String> consumer) {
    try {
      while (!closed.get()) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        List<Object[]> decided = new ArrayList<>(records.count());
        try (Connection c = pool.getConnection()) {
          for (ConsumerRecord<String, String> r : records) {
            String[] f = r.value().split("\\|");
            decided.add(new Object[] {f[0].charAt(0) + f[1], decide(c, r.key(), f[0].charAt(0), f[1], Integer.parseInt(f[2]))});
          }
          c.commit();
        } catch (SQLException e) {
          // The batch rolled back; its records are redelivered after a seek, and idempotency absorbs repeats.
          records.partitions().forEach(tp -> consumer.seek(tp, records.records(tp).get(0).offset()));
          continue;
        }
        consumer.commitSync();
        long now = System.nanoTime();
        for (Object[] d : decided) {
          CompletableFuture<Answer> f = pending.remove((String) d[0]);
          if (f != null) {
            f.complete(new Answer((Boolean) d[1], 0, null, now));
          }
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** One record, in the batch's transaction: true when granted. */
  private boolean decide(Connection c, String sku, char op, String orderId, int quantity) throws SQLException {
    long[] existing = null;
    String status = null;
    try (var p = c.prepareStatement(READ_ORDER)) {
      p.setString(1, orderId);
      try (var r = p.executeQuery()) {
        if (r.next()) {
          status = r.getString(1);
        }
      }
    }
    if (op == 'R' && status != null) {
      return status.equals("HELD") || status.equals("CONFIRMED") || status.equals("CANCELLED");
    }
    if (op != 'R' && !"HELD".equals(status)) {
      return op == 'C' ? "CONFIRMED".equals(status) : "CANCELLED".equals(status);
    }
    while (true) {
      existing = PgContender.selectLongs(c, READ_STOCK, sku);
      if (existing == null) {
        return false;
      }
      if (op == 'R' && existing[0] < quantity) {
        PgContender.update(c, INSERT_ORDER, orderId, sku, quantity, "REJECTED");
        return false;
      }
      long available = op == 'R' ? existing[0] - quantity : op == 'X' ? existing[0] + quantity : existing[0];
      if (PgContender.update(c, WRITE_STOCK, available, sku, existing[1]) == 1) {
        break;
      }
      conflicts.incrementAndGet();
    }
    switch (op) {
      case 'R' -> PgContender.update(c, INSERT_ORDER, orderId, sku, quantity, "HELD");
      case 'C' -> PgContender.update(c, SET_STATUS, "CONFIRMED", orderId);
      default -> PgContender.update(c, SET_STATUS, "CANCELLED", orderId);
    }
    return true;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    producer.close();
    consumers.forEach(KafkaConsumer::wakeup);
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pool.close();
  }

}
