package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.infra.Postgres;
import io.stocklog.infra.PostgresEndpoint;
import io.stocklog.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged stack, {@code target/local-stack.jar} with {@code target/lib}, run as a process the way
 * {@code ./stocklog run} runs it: the in-process tests share the test class path, so only this sees what the jar
 * itself has (its manifest's class path). It starts, every service says it is ready, and an order of two lines goes
 * through it: placed over HTTP and held, then read back from the query service at the answer's position. Runs after
 * {@code package} ({@code mvn verify}). (It was written after a library the projector needs at run time was on the
 * tests' class path only, and the jar failed at its first start.)
 */
class LocalStackJarIT {

  private static final Path JAR = Path.of("target", "local-stack.jar").toAbsolutePath();
  private static final Duration READY_WITHIN = Duration.ofSeconds(150);

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theJarStartsTheStackAndAnOrderGoesThroughIt() throws Exception {
    assertThat(JAR).as("run after package").exists();
    int command = freePort();
    int query = freePort();
    int projector = freePort();
    String database = "stocklog_jar_it_" + HexFormat.of().formatHex(randomBytes());
    Path log = dir.resolve("stack.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "--fresh", "--data-dir", dir.resolve("data").toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(Map.of(
        "STOCKLOG_KAFKA_PORT", Integer.toString(freePort()),
        "COMMAND_PORT", Integer.toString(command),
        "QUERY_PORT", Integer.toString(query),
        "PROJECTOR_PORT", Integer.toString(projector),
        "STOCKLOG_PARTITIONS", "3",
        "STOCKLOG_LOCAL_DATABASE", database));
    Process stack = pb.start();
    try {
      for (int port : new int[] {command, query, projector}) {
        awaitReady(stack, log, "http://127.0.0.1:" + port + "/ready");
      }
      String commandUrl = "http://127.0.0.1:" + command;
      for (String sku : new String[] {"JAR-A", "JAR-B"}) {
        HttpResponse<String> receipt = post(commandUrl + "/skus/" + sku + "/receipts",
            "{\"receiptId\":\"r-" + sku + "\",\"quantity\":5}");
        assertThat(receipt.statusCode()).as(receipt.body()).isBetween(200, 201);
      }
      HttpResponse<String> placed = post(commandUrl + "/orders",
          "{\"orderId\":\"jar-cart-1\",\"holdSeconds\":600,\"lines\":[{\"sku\":\"JAR-A\",\"quantity\":2},"
              + "{\"sku\":\"JAR-B\",\"quantity\":1}]}");
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      JsonNode order = Json.MAPPER.readTree(placed.body());
      assertThat(order.get("status").asText()).isEqualTo("HELD");

      HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + query
              + "/orders/jar-cart-1?wait=10&minPosition=" + order.get("position").asText()))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(read.body()).get("status").asText()).isEqualTo("HELD");
    } catch (AssertionError | RuntimeException e) {
      System.out.println(Files.readString(log));
      throw e;
    } finally {
      stack.destroy();
      if (!stack.waitFor(60, TimeUnit.SECONDS)) {
        stack.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      drop(database);
    }
  }

  private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(40))
        .header("Content-Type", "application/json").header("Prefer", "wait=30")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(Process stack, Path log, String url) throws Exception {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!stack.isAlive()) {
        throw new AssertionError("the stack exited with " + stack.exitValue() + ":\n" + Files.readString(log));
      }
      String output = Files.readString(log);
      if (output.contains("Exception in thread \"main\"")) {
        // Its main thread died (the broker's threads may keep the process alive): it will never be ready.
        throw new AssertionError("the stack failed to start:\n" + output);
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new AssertionError(url + " not ready within " + READY_WITHIN + ":\n" + Files.readString(log));
  }

  private static void drop(String database) throws Exception {
    try (Postgres postgres = Postgres.locate()) {
      PostgresEndpoint server = postgres.endpoint();
      try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
          Statement s = c.createStatement()) {
        s.execute("drop database if exists " + database + " with (force)");
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
