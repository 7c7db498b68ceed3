package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.infra.Postgres;
import io.stocklog.infra.SingleNodeKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command stack is a durable single node: what it was told is there after a stop and a start, starting
 * empty takes the explicit choice, a log and a read model of different histories are never served together, and
 * a scratch stack leaves nothing behind.
 */
class DurableStackTest {

  private final Http http = new Http();
  private final String database = "durable_" + HexFormat.of().formatHex(randomBytes());
  private final int kafkaPort = SingleNodeKafka.portOrFree(SingleNodeKafka.DEFAULT_PORT + 31);

  @TempDir
  Path temporary;

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Postgres postgres = Postgres.locate()) {
      ReadModelDatabase.drop(postgres.endpoint(), database);
    }
  }

  private LocalStack.Options options(Path data) {
    return new LocalStack.Options().partitions(3).database(database).dataDirectory(data).kafkaPort(kafkaPort, true);
  }

  @Test
  void stockSurvivesARestartAndOnlyFreshStartsEmpty() {
    Path data = temporary.resolve("data");
    try (LocalStack stack = LocalStack.start(options(data))) {
      assertThat(stack.startedEmpty()).isTrue();
      assertThat(stack.bootstrapServers()).isEqualTo("localhost:" + kafkaPort);
      Http.Response received = http.post(stack.commandUrl() + "/skus/KEEP-1/receipts",
          "{\"receiptId\":\"r-1\",\"quantity\":10}", 30);
      assertThat(received.status()).as("%s", received.body()).isEqualTo(200);
      Http.Response held = http.post(stack.commandUrl() + "/skus/KEEP-1/reservations",
          "{\"orderId\":\"o-1\",\"quantity\":3,\"holdSeconds\":600}", 30);
      assertThat(held.status()).as("%s", held.body()).isEqualTo(201);
      assertThat(stock(stack, held.text("position")).number("available")).isEqualTo(7);
    }
    assertThat(data.resolve(DataDirectory.KAFKA)).isDirectory();
    assertThat(data.resolve(DataDirectory.PROJECTOR)).isDirectory();
    assertThat(data.resolve(DataDirectory.IDENTITY)).isRegularFile();

    try (LocalStack stack = LocalStack.start(options(data))) {
      assertThat(stack.startedEmpty()).as("the second start resumes the log").isFalse();
      Http.Response after = http.get(stack.queryUrl() + "/skus/KEEP-1?wait=5");
      assertThat(after.status()).as("%s", after.body()).isEqualTo(200);
      assertThat(after.number("onHand")).isEqualTo(10);
      assertThat(after.number("reserved")).isEqualTo(3);
      // The projector's state came back too: the same order ID is a repeat, not a second hold.
      Http.Response repeat = http.post(stack.commandUrl() + "/skus/KEEP-1/reservations",
          "{\"orderId\":\"o-1\",\"quantity\":3,\"holdSeconds\":600}", 30);
      assertThat(repeat.body().get("duplicate").asBoolean()).as("%s", repeat.body()).isTrue();
      assertThat(repeat.number("reserved")).isEqualTo(3);
    }

    try (LocalStack stack = LocalStack.start(options(data).fresh())) {
      assertThat(stack.startedEmpty()).isTrue();
      assertThat(http.get(stack.queryUrl() + "/skus/KEEP-1").status()).as("an empty read model").isEqualTo(404);
    }
  }

  @Test
  void aNewDataDirectoryRefusesADatabaseOfAnotherHistory() {
    try (LocalStack first = LocalStack.start(options(temporary.resolve("first")))) {
      assertThat(first.startedEmpty()).isTrue();
    }
    Path other = temporary.resolve("other");
    assertThatThrownBy(() -> LocalStack.start(options(other)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("database " + database + " on ")
        .hasMessageContaining("already exists, but the data directory " + other + " is new")
        .hasMessageContaining("--fresh");
    assertThat(other.resolve(DataDirectory.KAFKA)).as("refused before the broker started").doesNotExist();
  }

  @Test
  void aSecondStackOnTheSameDataDirectoryIsRefused() {
    Path data = temporary.resolve("shared");
    try (DataDirectory held = DataDirectory.open(data)) {
      assertThatThrownBy(() -> LocalStack.start(options(data)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the data directory " + data + " is in use by another local stack");
    }
  }

  @Test
  void aScratchStackDeletesItsStateAndDropsItsDatabase() throws Exception {
    Path state;
    String scratchDatabase;
    try (LocalStack stack = LocalStack.start(new LocalStack.Options().partitions(2))) {
      assertThat(stack.dataDirectory()).isEmpty();
      state = Path.of(stack.joiningEnvironment().get("STOCKLOG_STATE_DIR"));
      assertThat(state).isDirectory();
      scratchDatabase = stack.database().jdbcUrl().replaceAll(".*/", "");
      assertThat(scratchDatabase).as("never the durable stack's database").startsWith("stocklog_tmp_");
    }
    assertThat(Files.exists(state)).as("the projector's state directory %s after close", state).isFalse();
    try (Postgres postgres = Postgres.locate();
         var c = java.sql.DriverManager.getConnection(postgres.endpoint().jdbcUrl(), postgres.endpoint().user(),
             postgres.endpoint().password());
         var s = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      s.setString(1, scratchDatabase);
      try (var r = s.executeQuery()) {
        r.next();
        assertThat(r.getInt(1)).as("database %s after close", scratchDatabase).isZero();
      }
    }
  }

  private Http.Response stock(LocalStack stack, String position) {
    return http.get(stack.queryUrl() + "/skus/KEEP-1?minPosition=" + position + "&wait=10");
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
