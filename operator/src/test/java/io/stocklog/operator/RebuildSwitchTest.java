package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.projector.ProjectorConfig;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.topics.TopicSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rebuild while reservations keep arriving and storefronts keep reading, then a rollback and a drop,
 * against the real stack (broker, Postgres, the three services over HTTP) and the CLI as an operator runs it.
 */
class RebuildSwitchTest {

  private static final TopicSettings TOPICS = TopicSettings.defaults();
  private static final int SKUS = 40;
  private static LocalStack stack;
  private static Map<String, String> env;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

  @BeforeAll
  static void start() {
    stack = LocalStack.start(0, 0, 0, 4, "rebuild_" + Long.toHexString(System.nanoTime()));
    env = new HashMap<>(stack.joiningEnvironment());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aRebuildUnderLoadSwitchesWithoutAFailedReadAndPublishesEveryOutcomeOnce() throws Exception {
    // A history: stock, holds (some expiring within the test), confirms, cancels, extends, duplicates.
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < SKUS; i++) {
      accepted.add(post("/skus/s" + i + "/receipts", "{\"receiptId\":\"r" + i + "\",\"quantity\":500}"));
      accepted.add(post("/skus/s" + i + "/adjustments", "{\"adjustmentId\":\"a" + i + "\",\"delta\":-3,\"reason\":\"damaged\"}"));
    }
    for (int i = 0; i < 200; i++) {
      String sku = "s" + (i % SKUS);
      accepted.add(post("/skus/" + sku + "/reservations",
          "{\"orderId\":\"h" + i + "\",\"quantity\":2,\"holdSeconds\":" + (i % 5 == 0 ? 1 : 600) + "}"));
      switch (i % 4) {
        case 1 -> accepted.add(post("/skus/" + sku + "/reservations/h" + i + "/confirm", null));
        case 2 -> accepted.add(post("/skus/" + sku + "/reservations/h" + i + "/cancel", null));
        case 3 -> accepted.add(post("/skus/" + sku + "/reservations/h" + i + "/extend", "{\"holdSeconds\":900}"));
        default -> { }
      }
    }
    post("/skus/s0/receipts", "{\"receiptId\":\"r0\",\"quantity\":500}"); // a repeated ID
    producePoison();
    awaitServed("public");
    // The live projector has dead-lettered the poison before the rebuild starts.
    await().atMost(Duration.ofSeconds(30)).until(() -> count(TOPICS.deadLetters()) == 1);
    long deadLettersBefore = count(TOPICS.deadLetters());

    // Load during the rebuild: reservations keep coming, storefront reads keep going.
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> badReads = new CopyOnWriteArrayList<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      load.submit(() -> {
        for (int i = 0; running.get(); i++) {
          String sku = "s" + (i % SKUS);
          accepted.add(post("/skus/" + sku + "/reservations",
              "{\"orderId\":\"live" + writer + "-" + i + "\",\"quantity\":1,\"holdSeconds\":600}"));
          writes.incrementAndGet();
          Thread.sleep(5);
        }
        return null;
      });
    }
    for (int r = 0; r < 3; r++) {
      load.submit(() -> {
        for (int i = 0; running.get(); i++) {
          String sku = "s" + (i % SKUS);
          HttpResponse<String> res = get(stack.queryUrl() + "/skus/" + sku);
          reads.incrementAndGet();
          if (res.statusCode() != 200) {
            badReads.add(res.statusCode() + " " + res.body());
          }
        }
        return null;
      });
    }

    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit = Main.run(env, new PrintStream(output, true, StandardCharsets.UTF_8), false,
        "rebuild", "--name", "r1", "--timeout", "90");
    String printed = output.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).contains("events/s", "serving r1");
    awaitServed("rm_r1");
    Thread.sleep(1_500); // reads and writes go on after the switch
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(badReads).as("reads answered other than 200 around the switch").isEmpty();
    assertThat(reads.get()).isGreaterThan(100);
    assertThat(writes.get()).isGreaterThan(50);
    ProjectionCatalog.State state = catalog();
    assertThat(state.control().serving()).isEqualTo("r1");
    assertThat(state.control().decider()).isEqualTo("r1");
    assertThat(state.control().previous()).isEqualTo("main");

    assertEveryEventDecidedOnceAndReadModelsEqual(accepted);
    assertThat(count(TOPICS.deadLetters())).as("the rebuild dead-lettered the poison again").isEqualTo(deadLettersBefore);
    // Both read models equal is not enough (both follow the live topic): r1's decisions since the switch must
    // be those of a fold of the whole log, which they are only if its seeded state was right.
    ByteArrayOutputStream verified = new ByteArrayOutputStream();
    assertThat(Main.run(env, new PrintStream(verified, true, StandardCharsets.UTF_8), false, "verify"))
        .as(verified.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(verified.toString(StandardCharsets.UTF_8)).contains("projection r1", "no differences");

    // Rollback: main serves and decides again; new commands are decided once, by it.
    ByteArrayOutputStream rollbackOut = new ByteArrayOutputStream();
    assertThat(Main.run(env, new PrintStream(rollbackOut, true, StandardCharsets.UTF_8), false, "rollback"))
        .as(rollbackOut.toString(StandardCharsets.UTF_8)).isZero();
    System.out.println("$ rollback\n" + rollbackOut.toString(StandardCharsets.UTF_8));
    assertThat(rollbackOut.toString(StandardCharsets.UTF_8)).as("the services followed main, then its decider took over")
        .contains("catch up main", "main decides from");
    awaitServed("public");
    for (int i = 0; i < 20; i++) {
      accepted.add(post("/skus/s" + i + "/reservations", "{\"orderId\":\"after" + i + "\",\"quantity\":1,\"holdSeconds\":600}"));
    }
    assertThat(catalog().control().decider()).isEqualTo("main");
    assertEveryEventDecidedOnceAndReadModelsEqual(accepted);

    // Drop: refused for the live one, done for r1.
    ByteArrayOutputStream dropOut = new ByteArrayOutputStream();
    assertThat(Main.run(env, new PrintStream(dropOut, true, StandardCharsets.UTF_8), false, "drop", "main"))
        .isEqualTo(1);
    assertThat(Main.run(env, new PrintStream(dropOut, true, StandardCharsets.UTF_8), false, "drop", "r1"))
        .as(dropOut.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(catalog().projections()).containsOnlyKeys("main");
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from information_schema.schemata where schema_name = 'rm_r1'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("stocklog-projector-r1")
          || t.equals(TOPICS.outcomes() + ".r1"));
    }
  }

  /**
   * Every accepted command is in the log exactly once; every event of the log has its outcomes on the live
   * topic exactly once; the kept read models (main and, while it exists, r1) converge to the same rows.
   */
  private void assertEveryEventDecidedOnceAndReadModelsEqual(Set<String> accepted) throws Exception {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Map<Long, String> eventIds = new HashMap<>();
      List<String> logIds = new ArrayList<>();
      Set<Long> decidable = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : read(TOPICS.events())) {
        JsonNode e;
        try {
          e = Json.MAPPER.readTree(r.value());
        } catch (Exception notJson) {
          continue;
        }
        if (e == null || !e.hasNonNull("eventId") || "ClockTick".equals(e.path("type").asText())) {
          continue;
        }
        logIds.add(e.get("eventId").asText());
        long key = ((long) r.partition() << 40) | r.offset();
        eventIds.put(key, e.get("eventId").asText());
        decidable.add(key);
      }
      assertThat(new HashSet<>(logIds)).containsAll(accepted);
      assertThat(logIds).doesNotHaveDuplicates();

      Map<String, Integer> seen = new HashMap<>();
      Set<Long> decided = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : read(TOPICS.outcomes())) {
        Outcome o = Json.MAPPER.readValue(r.value(), Outcome.class);
        Position p = Position.parse(o.position());
        decided.add(((long) p.partition() << 40) | p.offset());
        seen.merge(o.position() + "/" + o.eventId() + "/" + o.subjectId() + "/" + o.decision(), 1, Integer::sum);
      }
      assertThat(seen).as("outcomes published more than once").allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
      Set<Long> undecided = new HashSet<>(decidable);
      undecided.removeAll(decided);
      assertThat(undecided).as("events without an outcome on the live topic").isEmpty();

      for (ProjectionCatalog.Projection p : catalog().projections().values()) {
        if (!p.schema().equals("public")) {
          for (String table : List.of("sku_stock", "reservation", "applied_position")) {
            String cols = table.equals("applied_position") ? "events_partition, applied_offset" : "*";
            assertThat(difference("public", p.schema(), table, cols)).as("public vs %s %s", p.schema(), table).isZero();
            assertThat(difference(p.schema(), "public", table, cols)).as("%s vs public %s", p.schema(), table).isZero();
          }
        }
      }
    });
  }

  private static long difference(String a, String b, String table, String cols) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from (select " + cols + " from " + a + "." + table
             + " except select " + cols + " from " + b + "." + table + ") d")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Ctrl-C before the handoff: the JVM runs the hook the rebuild registered; here it is run at the last moment it
   * can come, when the rebuild takes the hook off to begin the handoff, with T READY and a decider of it prepared in
   * the projector service. T is dropped whole (catalog, schema, topics, groups), the service stops the decider it
   * prepared, the rebuild goes no further, and the live projector decides on.
   */
  @Test
  void aRebuildStoppedBeforeItsHandoffDropsWhatItMadeAndTheServicesStopRunningIt() throws Exception {
    post("/skus/stop0/receipts", "{\"receiptId\":\"stop-r0\",\"quantity\":5}");
    String name = "stopped";
    String application = "stocklog-projector-" + name;
    ProjectionCatalog.State before = catalog();
    List<String> atCtrlC = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Connections c = new Connections(OperatorSettings.fromEnv(env))) {
      Handoff.Hooks ctrlC = ctrlCAtTheLastMoment(c, name, application, atCtrlC);
      Projections projections = new Projections(c, ProjectorConfig.fromEnv(env), out, false, Duration.ofSeconds(120),
          ctrlC);
      assertThatThrownBy(() -> projections.rebuild(name)).hasMessageContaining("interrupted");
      String text = bytes.toString(StandardCharsets.UTF_8);
      System.out.println(text);

      assertThat(atCtrlC).as("T was READY, a decider of it prepared in the service").containsExactly("READY idle=false");
      assertThat(text).contains("interrupted before its handoff: dropping " + name, "dropped projection " + name)
          .doesNotContain("decides from", "could not");
      ProjectionCatalog.State after = catalog();
      assertThat(after.projections()).doesNotContainKey(name);
      assertThat(after.control().decider()).isEqualTo(before.control().decider());
      assertThat(after.control().serving()).isEqualTo(before.control().serving());
      try (Connection db = connect(); Statement s = db.createStatement();
           ResultSet rs = s.executeQuery("select count(*) from information_schema.schemata where schema_name = 'rm_"
               + name + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).as("schema rm_" + name).isZero();
      }
      assertThat(c.admin().listTopics().names().get())
          .noneMatch(t -> t.startsWith(application + "-") || t.equals(TOPICS.outcomes() + "." + name));
      assertThat(c.admin().listConsumerGroups().all().get())
          .noneMatch(g -> g.groupId().startsWith(application) || g.groupId().startsWith("stocklog-read-model-" + name));
    }
    // The live projector decided throughout and decides on.
    HttpResponse<String> held = http.send(HttpRequest.newBuilder(URI.create(stack.commandUrl() + "/skus/stop0/reservations"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Prefer", "wait=10")
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"stop-h1\",\"quantity\":2,\"holdSeconds\":600}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
  }

  /**
   * A rollback stopped at the last moment before its handoff (the projection it goes back to WARM, a decider of it
   * prepared in the service): that projection is ACTIVE again, the service stops what it ran for it, nothing else
   * moved; the next rollback goes through.
   */
  @Test
  void aRollbackStoppedBeforeItsHandoffLeavesItsTargetActiveAndTheNextOneGoesThrough() throws Exception {
    post("/skus/back0/receipts", "{\"receiptId\":\"back-r0\",\"quantity\":5}");
    ByteArrayOutputStream rebuildOut = new ByteArrayOutputStream();
    assertThat(Main.run(env, new PrintStream(rebuildOut, true, StandardCharsets.UTF_8), false, "rebuild", "--name",
        "back")).as(rebuildOut.toString(StandardCharsets.UTF_8)).isZero();
    ProjectionCatalog.State rebuilt = catalog();
    String previous = rebuilt.control().previous();
    Projection target = rebuilt.projection(previous).orElseThrow();
    List<String> atCtrlC = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Connections c = new Connections(OperatorSettings.fromEnv(env))) {
      Handoff.Hooks ctrlC = ctrlCAtTheLastMoment(c, previous, target.applicationId(), atCtrlC);
      Projections projections = new Projections(c, ProjectorConfig.fromEnv(env),
          new PrintStream(bytes, true, StandardCharsets.UTF_8), false, Duration.ofSeconds(120), ctrlC);
      assertThatThrownBy(() -> projections.rollback(null)).hasMessageContaining("interrupted");
      String text = bytes.toString(StandardCharsets.UTF_8);
      System.out.println(text);
      assertThat(atCtrlC).as("WARM, a decider of it prepared in the service").containsExactly("WARM idle=false");
      assertThat(text).contains("interrupted before its handoff: making " + previous + " ACTIVE again")
          .doesNotContain("decides from", "failed");
      ProjectionCatalog.State after = catalog();
      assertThat(after.projection(previous).orElseThrow().phase()).isEqualTo(ProjectionCatalog.Phase.ACTIVE);
      assertThat(after.control().decider()).isEqualTo("back");
      assertThat(after.control().serving()).isEqualTo("back");
      await("the service stopped the decider it prepared").atMost(Duration.ofSeconds(30))
          .until(() -> c.offsets().idle(target.applicationId()));
    }
    ByteArrayOutputStream rollbackOut = new ByteArrayOutputStream();
    assertThat(Main.run(env, new PrintStream(rollbackOut, true, StandardCharsets.UTF_8), false, "rollback"))
        .as(rollbackOut.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(catalog().control().decider()).isEqualTo(previous);
    awaitServed(target.schema());
    HttpResponse<String> held = http.send(HttpRequest.newBuilder(URI.create(stack.commandUrl() + "/skus/back0/reservations"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Prefer", "wait=10")
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"back-h1\",\"quantity\":2,\"holdSeconds\":600}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
    assertThat(Main.run(env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false,
        "drop", "back")).isZero();
  }

  /**
   * Hooks that run the undo an operation registered when it takes it off to begin its handoff: Ctrl-C at the last
   * moment it can come. Notes first, in {@code seen}, the projection's phase and whether its projector's group is idle.
   */
  private static Handoff.Hooks ctrlCAtTheLastMoment(Connections c, String projection, String application,
      List<String> seen) {
    return new Handoff.Hooks() {
      @Override
      public void add(Thread hook) {
      }

      @Override
      public void remove(Thread hook) {
        try {
          seen.add(catalog().projection(projection).orElseThrow().phase() + " idle=" + c.offsets().idle(application));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        hook.run();
      }
    };
  }

  private static ProjectionCatalog.State catalog() throws Exception {
    try (var pool = new com.zaxxer.hikari.HikariDataSource()) {
      pool.setJdbcUrl(stack.database().jdbcUrl());
      pool.setUsername(stack.database().user());
      pool.setPassword(stack.database().password());
      return new ProjectionCatalog(pool).read().orElseThrow();
    }
  }

  private static void awaitServed(String schema) {
    await().atMost(Duration.ofSeconds(30)).until(() -> catalog().serving().schema().equals(schema));
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(stack.database().jdbcUrl(), stack.database().user(),
        stack.database().password());
  }

  private static String post(String path, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.commandUrl() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isIn(200, 201, 202);
    return Json.MAPPER.readTree(r.body()).get("eventId").asText();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void producePoison() throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.events(), "s1", "{not json")).get();
    }
  }

  private static long count(String topic) {
    return read(topic).size();
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
