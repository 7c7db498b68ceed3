package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.topics.TopicSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI, {@code target/operator.jar} with {@code target/lib}, run as a process the way an operator
 * runs it: what it writes to stdout is only the command's output (JSON that parses, for {@code --json}), stderr
 * has no logging noise, and a failure names the address or database it tried. Runs after {@code package}
 * ({@code mvn verify}, which {@code ./stocklog test} runs): the in-process tests cannot see what only the jar
 * has (its manifest's class path, the logging configuration it finds).
 */
@ExtendWith(SharedStack.class)
class OperatorJarIT {

  private static final Path JAR = Path.of("target", "operator.jar").toAbsolutePath();
  private static final TopicSettings TOPICS = TopicSettings.defaults();

  @TempDir
  Path dir;

  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON (exit " + exit + "):\n" + out + "\nstderr:\n" + err, e);
      }
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  @Test
  void statusJsonParsesAndNothingElseIsPrinted(LocalStack stack) throws Exception {
    Result status = run(stack.joiningEnvironment(), "status", "--json");

    assertThat(status.exit()).as("%s", status).isZero();
    JsonNode report = status.json();
    assertThat(report.at("/topics/events").asText()).isEqualTo(TOPICS.events());
    assertThat(report.at("/catalog/exists").asBoolean()).isTrue();
    assertQuiet(status);

    Result text = run(stack.joiningEnvironment(), "status");
    assertThat(text.exit()).as("%s", text).isZero();
    assertThat(text.out()).contains("PARTITION").contains("dead letters:");
    assertQuiet(text);
  }

  @Test
  void aDeadLetterListedToAFileEditedAndReplayedIsDecided(LocalStack stack) throws Exception {
    String sku = "JAR-DLQ-" + UUID.randomUUID().toString().substring(0, 8);
    String source = poison(stack, sku);

    // dlq list --json > letters.jsonl, as a shell would: the file must hold nothing but JSON lines.
    Path letters = dir.resolve("letters.jsonl");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      Result list = run(stack.joiningEnvironment(), "dlq", "list", "--json");
      assertThat(list.exit()).as("%s", list).isZero();
      assertQuiet(list);
      Files.writeString(letters, list.out());
      return list.out().contains(source);
    });
    List<String> fixed = new ArrayList<>();
    for (String line : Files.readAllLines(letters)) {
      JsonNode parsed = Json.MAPPER.readTree(line);
      if (source.equals(parsed.get("source").asText())) {
        ObjectNode edited = (ObjectNode) parsed;
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(edited.get("value").asText());
        event.put("quantity", 5);
        edited.put("value", event.toString());
        fixed.add(edited.toString());
      }
    }
    assertThat(fixed).hasSize(1);
    Path edited = dir.resolve("fixed.jsonl");
    Files.write(edited, fixed);

    Result replay = run(stack.joiningEnvironment(), "dlq", "replay", edited.toString());
    assertThat(replay.exit()).as("%s", replay).isZero();
    assertThat(replay.out()).contains("appended 1 of 1 lines");
    assertQuiet(replay);
    String token = replay.out().replaceAll("(?s).* at (\\d+-\\d+) .*", "$1");
    JsonNode stock = Cli.get(stack.queryUrl() + "/skus/" + sku + "?minPosition=" + token + "&wait=15");
    assertThat(stock.get("onHand").asLong()).as("%s", stock).isEqualTo(5);
  }

  @Test
  void withNoBrokerItSaysAtOnceWhichAddressItTried() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    long started = System.nanoTime();
    Result status = run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + port), "status");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

    assertThat(status.exit()).as("%s", status).isEqualTo(1);
    assertThat(status.err()).as("%s", status)
        .startsWith("error: no Kafka broker answers at localhost:" + port)
        .contains("KAFKA_BOOTSTRAP_SERVERS")
        .doesNotContain("\tat ");
    assertThat(seconds).as("seconds until it said so").isLessThan(10);
  }

  @Test
  void verifyAgainstADatabaseWithoutAReadModelNamesTheDatabase(LocalStack stack) throws Exception {
    Map<String, String> env = new HashMap<>(stack.joiningEnvironment());
    String wrong = stack.database().withDatabase("postgres").jdbcUrl();
    env.put("STOCKLOG_JDBC_URL", wrong);

    Result verify = run(env, "verify");

    assertThat(verify.exit()).as("%s", verify).isEqualTo(1);
    assertThat(verify.err()).as("%s", verify)
        .startsWith("error: ")
        .contains(wrong)
        .contains("no stocklog read model")
        .doesNotContain("\tat ");
  }

  /** No logback status lines, stack traces or log lines: a command's stderr is for its own errors only. */
  private static void assertQuiet(Result r) {
    assertThat(r.err()).as("stderr of %s", r).isEmpty();
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    assertThat(JAR).as("the packaged CLI; this test runs after `mvn package` (./stocklog test)").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow"); // as ./stocklog runs it: Kafka's clients use Unsafe
    }
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Path out = dir.resolve("stdout-" + UUID.randomUUID());
    Path err = dir.resolve("stderr-" + UUID.randomUUID());
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("stocklog-operator " + String.join(" ", args) + " did not end in 120 s");
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Appends a receipt of quantity 0, which the projector dead-letters; returns {@code topic/partition/offset}. */
  private static String poison(LocalStack stack, String sku) throws Exception {
    ObjectNode n = (ObjectNode) EventCodec.toTree(Events.received(sku, "r-" + sku, 1, Instant.now()));
    n.put("quantity", 0);
    try (KafkaProducer<byte[], byte[]> producer = StatusCommandTest.producer(stack)) {
      var m = producer.send(new ProducerRecord<>(TOPICS.events(), sku.getBytes(StandardCharsets.UTF_8),
          n.toString().getBytes(StandardCharsets.UTF_8))).get();
      return TOPICS.events() + "/" + m.partition() + "/" + m.offset();
    }
  }
}
