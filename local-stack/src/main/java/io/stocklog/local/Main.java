package io.stocklog.local;

import io.stocklog.config.Env;
import io.stocklog.infra.SingleNodeKafka;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command stack: {@code ./stocklog run [--fresh] [--data-dir DIR]}. A durable single node: the broker's
 * log and the projector's state in the data directory, the read model in a kept database, all there again at the
 * next start; {@code --fresh} is the only way to start empty. Configured by the environment (see
 * {@link Settings#fromEnv}); a bad value stops it at start with the variable's name.
 */
public final class Main {

  static final String USAGE = """
      Usage: ./stocklog run [--fresh] [--data-dir DIR]
      Runs Kafka, the projector, the command and query services on this machine, with their data kept in DIR
      (default ~/.stocklog/data, or STOCKLOG_DATA_DIR) and the read model in the database stocklog_local
      (STOCKLOG_LOCAL_DATABASE) of the Postgres found (README "Where Postgres comes from").
        --fresh          start empty: delete the log and state in DIR and drop the database first
        --data-dir DIR   keep the data in DIR
      Environment: STOCKLOG_KAFKA_PORT (9092; another free port if it is taken and not set), COMMAND_PORT (8081),
      QUERY_PORT (8082), PROJECTOR_PORT (8083), STOCKLOG_PARTITIONS (12, for a new log), STOCKLOG_AUTH,
      STOCKLOG_API_TOKENS, STOCKLOG_LOG_FORMAT (text or json).
      """;

  private Main() {}

  /** What the command line and the environment ask for. */
  record Settings(Path dataDirectory, boolean fresh, int kafkaPort, boolean kafkaPortSet, String database,
      int commandPort, int queryPort, int projectorPort, int partitions) {

    static Settings fromEnv(Map<String, String> env, String... args) {
      Path dataDirectory = Path.of(Env.text(env, "STOCKLOG_DATA_DIR",
          Path.of(System.getProperty("user.home"), ".stocklog", "data").toString()));
      boolean fresh = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--fresh")) {
          fresh = true;
        } else if (arg.equals("--data-dir") && i + 1 < args.length) {
          dataDirectory = Path.of(args[++i]);
        } else if (arg.startsWith("--data-dir=")) {
          dataDirectory = Path.of(arg.substring("--data-dir=".length()));
        } else {
          throw new IllegalArgumentException("unknown argument '" + arg + "'");
        }
      }
      boolean kafkaPortSet = env.get("STOCKLOG_KAFKA_PORT") != null && !env.get("STOCKLOG_KAFKA_PORT").isBlank();
      return new Settings(dataDirectory, fresh, port(env, "STOCKLOG_KAFKA_PORT", SingleNodeKafka.DEFAULT_PORT),
          kafkaPortSet, Env.text(env, "STOCKLOG_LOCAL_DATABASE", LocalStack.DATABASE),
          port(env, "COMMAND_PORT", 8081), port(env, "QUERY_PORT", 8082), port(env, "PROJECTOR_PORT", 8083),
          Env.integer(env, "STOCKLOG_PARTITIONS", 12));
    }

    private static int port(Map<String, String> env, String variable, int fallback) {
      int port = Env.integer(env, variable, fallback);
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(variable + " must be a port from 1 to 65535 (was " + port + ")");
      }
      return port;
    }

    LocalStack.Options options(Map<String, String> env) {
      LocalStack.Options options = new LocalStack.Options()
          .ports(commandPort, queryPort, projectorPort)
          .partitions(partitions)
          .database(database)
          .dataDirectory(dataDirectory)
          .kafkaPort(kafkaPort, kafkaPortSet)
          .security(env);
      return fresh ? options.fresh() : options;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    PrintStream err = System.err;
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return;
    }
    Settings settings;
    try {
      // logback.xml picks its appender by this name; any other value would leave the log silent.
      String logFormat = Env.text(env, "STOCKLOG_LOG_FORMAT", "text");
      if (!logFormat.equals("text") && !logFormat.equals("json")) {
        throw new IllegalArgumentException("STOCKLOG_LOG_FORMAT must be text or json (was '" + logFormat + "')");
      }
      settings = Settings.fromEnv(env, args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      System.exit(2);
      return;
    }
    LocalStack stack;
    try {
      stack = LocalStack.start(settings.options(env));
    } catch (RuntimeException e) {
      err.println("error: the local stack did not start: " + messages(e));
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "local-stack-shutdown"));
    System.out.print(Banner.text(stack));
    System.out.flush();
    stopped.await();
  }

  /** A failure's message and those of its causes that add something, for one line on the terminal. */
  static String messages(Throwable failure) {
    StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
    for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !text.toString().contains(message)) {
        text.append(": ").append(message);
      }
    }
    return text.toString();
  }
}
