package io.stocklog.local;

import io.stocklog.command.ApiTokens;
import io.stocklog.command.AuthMode;
import io.stocklog.command.CommandConfig;
import io.stocklog.command.CommandService;
import io.stocklog.command.Scope;
import io.stocklog.config.Env;
import io.stocklog.infra.EmbeddedKafka;
import io.stocklog.infra.Postgres;
import io.stocklog.infra.PostgresEndpoint;
import io.stocklog.infra.SingleNodeKafka;
import io.stocklog.projector.ProjectorService;
import io.stocklog.projector.ProjectorServiceConfig;
import io.stocklog.query.QueryConfig;
import io.stocklog.query.QueryService;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything on one machine: a real single-node Kafka (KRaft, Apache Kafka's own server code, in-process), a
 * Postgres (an explicit JDBC URL, else a server on localhost:5432, else an embedded one when not root, else
 * Testcontainers), and the projector with its read-model sink, the command service and the query service, each
 * started exactly as its own {@code Main} would start it, only in one JVM.
 *
 * <p>Two kinds of stack. The one-command stack ({@link Main}) is <b>durable</b>: with
 * {@link Options#dataDirectory(Path)} the broker's log and the projector's state live in that directory and the
 * read model in a database that is kept ({@value #DATABASE} by default), so a stopped stack starts again where
 * it was; {@link Options#fresh()} is the explicit way to start empty. Without a data directory a stack is
 * <b>scratch</b> (tests, benchmarks): a broker in a temporary directory, a database of its own created afresh,
 * and all of it deleted at close, so nothing is left behind.
 *
 * <p>The command service runs with {@code STOCKLOG_AUTH=local} unless told otherwise: requests from this
 * machine without a token are let in, any token presented must be valid. Without {@code STOCKLOG_API_TOKENS},
 * one operator token is made for the run ({@link #generatedToken()}).
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  static final String DATABASE = "stocklog_local";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private ProjectorService projector;
  private CommandService command;
  private QueryService query;
  private String bootstrapServers;
  private PostgresEndpoint database;
  private AuthMode commandAuth;
  private String generatedToken;
  private Map<String, String> environment;
  private TopicSettings topics;
  private Path dataDirectory;
  private boolean startedEmpty;
  private String postgresSource;

  private LocalStack() {}

  /**
   * Starts a scratch stack with the read model in a database of the given name, created afresh and dropped again
   * by {@link #close()}; give each concurrent stack (tests, benchmarks) its own name, as creating one drops any
   * database of that name.
   */
  public static LocalStack start(int commandPort, int queryPort, int projectorPort, int partitions, String database) {
    return start(commandPort, queryPort, projectorPort, partitions, database, Map.of());
  }

  /**
   * As {@link #start(int, int, int, int, String)}, with the command service's {@code STOCKLOG_AUTH} (default
   * {@code local}) and {@code STOCKLOG_API_TOKENS} (default: one new operator token) taken from {@code security}.
   */
  public static LocalStack start(int commandPort, int queryPort, int projectorPort, int partitions, String database,
      Map<String, String> security) {
    return start(new Options().ports(commandPort, queryPort, projectorPort).partitions(partitions).database(database)
        .security(security));
  }

  /** Starts the stack as {@code options} say. */
  public static LocalStack start(Options options) {
    LocalStack stack = new LocalStack();
    try {
      stack.startAll(options);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * How to start a stack. The defaults are a scratch stack's: a broker of its own in a temporary directory, the
   * read model in a database of its own (a new name each time), all three services, everything deleted at close.
   * {@link #dataDirectory(Path)} makes it the durable one-command stack. Fault tests change what they need: an
   * existing cluster (so they can stop its brokers), a route to Postgres through a proxy (so they can cut it),
   * no in-process projector (so they can run it as a process and kill it), settings in the services' environment.
   */
  public static final class Options {
    private int commandPort;
    private int queryPort;
    private int projectorPort;
    private int partitions = 12;
    private String database;
    private String kafkaBootstrapServers;
    private UnaryOperator<String> serviceJdbcUrl = UnaryOperator.identity();
    private boolean projector = true;
    private final Map<String, String> env = new HashMap<>();
    private Map<String, String> security = Map.of();
    private Path dataDirectory;
    private boolean fresh;
    private int kafkaPort = SingleNodeKafka.DEFAULT_PORT;
    private boolean kafkaPortRequired;

    /** HTTP ports of the command, query and projector services; 0 (the default) picks free ones. */
    public Options ports(int command, int query, int projectorHttp) {
      this.commandPort = command;
      this.queryPort = query;
      this.projectorPort = projectorHttp;
      return this;
    }

    public Options partitions(int count) {
      this.partitions = count;
      return this;
    }

    /**
     * The read model's database: a scratch stack's is created afresh at start and dropped at close; a durable
     * stack's (default {@value LocalStack#DATABASE}) is kept.
     */
    public Options database(String name) {
      ReadModelDatabase.checkName(name);
      this.database = name;
      return this;
    }

    /**
     * A durable stack: the broker's log and the projector's state in {@code directory} (created if need be),
     * the read model in a kept database, all of it there again at the next start.
     */
    public Options dataDirectory(Path directory) {
      this.dataDirectory = java.util.Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** With a data directory: delete its log and state and drop its database first, and start empty. */
    public Options fresh() {
      this.fresh = true;
      return this;
    }

    /**
     * With a data directory: the broker's port for clients. {@code required} false takes a free port instead
     * when this one is taken; true refuses to start then.
     */
    public Options kafkaPort(int port, boolean required) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("the Kafka port must be between 1 and 65535 (was " + port + ")");
      }
      this.kafkaPort = port;
      this.kafkaPortRequired = required;
      return this;
    }

    /** Use the Kafka cluster at {@code bootstrapServers} instead of starting a broker; the caller owns it. */
    public Options kafka(String bootstrapServers) {
      this.kafkaBootstrapServers = bootstrapServers;
      return this;
    }

    /**
     * How the services reach the read model: maps the database's JDBC URL to the one they are given (to send
     * them through a proxy, say). The stack itself creates and drops the database over the direct URL.
     */
    public Options serviceJdbcUrl(UnaryOperator<String> mapping) {
      this.serviceJdbcUrl = java.util.Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /** Start no projector in this JVM; {@link LocalStack#joiningEnvironment()} is what one started elsewhere needs. */
    public Options withoutProjector() {
      this.projector = false;
      return this;
    }

    /**
     * The command service's {@code STOCKLOG_AUTH} (default {@code local}) and {@code STOCKLOG_API_TOKENS}
     * (default: one new operator token, {@link LocalStack#generatedToken()}).
     */
    public Options security(Map<String, String> settings) {
      this.security = Map.copyOf(settings);
      return this;
    }

  /** A variable of every service's environment (topic names, timeouts, ...); wins over the stack's own. */
    public Options env(String variable, String value) {
      env.put(variable, value);
      return this;
    }
  }

  private void startAll(Options options) {
    DataDirectory data = null;
    if (options.dataDirectory != null) {
      data = own(DataDirectory.open(options.dataDirectory));
      dataDirectory = data.root();
    }
    Postgres postgres = own(Postgres.locate());
    postgresSource = postgres.endpoint().source();
    String databaseName;
    if (data != null) {
      databaseName = options.database != null ? options.database : DATABASE;
      if (options.fresh) {
        log.info("starting empty: dropping database {} and deleting the log and state in {}", databaseName,
            data.root());
        dropDatabase(postgres.endpoint(), databaseName);
        data.clear();
      }
      startedEmpty = !data.holdsLog();
      database = ReadModelDatabase.kept(postgres.endpoint(), databaseName, data);
    } else {
      databaseName = options.database != null ? options.database : scratchName();
      database = ReadModelDatabase.scratch(postgres.endpoint(), databaseName);
      startedEmpty = true;
      // Closed after every service that uses it: a scratch read model is of no use once its log is gone.
      own(() -> dropDatabase(postgres.endpoint(), databaseName));
    }
    log.info("Postgres: {} ({}{})", database.jdbcUrl(), postgres.endpoint().source(),
        data != null ? ", kept" : ", dropped at close");

    if (options.kafkaBootstrapServers != null) {
      bootstrapServers = options.kafkaBootstrapServers;
      log.info("Kafka: the cluster at {}", bootstrapServers);
    } else if (data != null) {
      int port = options.kafkaPortRequired ? options.kafkaPort : SingleNodeKafka.portOrFree(options.kafkaPort);
      if (port != options.kafkaPort) {
        log.warn("Kafka: port {} is taken, so the broker listens on {} this time (STOCKLOG_KAFKA_PORT sets it)",
            options.kafkaPort, port);
      }
      SingleNodeKafka kafka = own(SingleNodeKafka.start(data.kafka(), port));
      bootstrapServers = kafka.bootstrapServers();
    } else {
      EmbeddedKafka kafka = own(EmbeddedKafka.start(1));
      bootstrapServers = kafka.bootstrapServers();
      log.info("Kafka broker ready at {} in {} ms", bootstrapServers, kafka.startupTime().toMillis());
    }

    Path stateDirectory;
    if (data != null) {
      stateDirectory = data.projectorState();
    } else {
      try {
        stateDirectory = Files.createTempDirectory("stocklog-projector-");
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot create a state directory for the projector", e);
      }
      Path scratchState = stateDirectory;
      // Deleted after the projector has closed its stores.
      own(() -> DataDirectory.deleteRecursively(scratchState));
    }

    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("STOCKLOG_PARTITIONS", Integer.toString(options.partitions));
    env.put("STOCKLOG_JDBC_URL", options.serviceJdbcUrl.apply(database.jdbcUrl()));
    env.put("STOCKLOG_JDBC_USER", database.user());
    env.put("STOCKLOG_JDBC_PASSWORD", database.password() == null ? "" : database.password());
    env.put("STOCKLOG_STATE_DIR", stateDirectory.toString());
    env.putAll(options.env);
    environment = Map.copyOf(env);
    topics = TopicSettings.fromEnv(env);

    if (options.projector) {
      Map<String, String> projectorEnv = new HashMap<>(env);
      projectorEnv.put("HTTP_PORT", Integer.toString(options.projectorPort));
      projector = own(ProjectorService.start(ProjectorServiceConfig.fromEnv(projectorEnv)));
    }

    Map<String, String> commandEnv = new HashMap<>(env);
    commandEnv.put("HTTP_PORT", Integer.toString(options.commandPort));
    generatedToken = secure(commandEnv, options.security).orElse(null);
    commandAuth = AuthMode.fromEnv(commandEnv);
    command = own(CommandService.start(CommandConfig.fromEnv(commandEnv)));

    Map<String, String> queryEnv = new HashMap<>(env);
    queryEnv.put("HTTP_PORT", Integer.toString(options.queryPort));
    query = own(QueryService.start(QueryConfig.fromEnv(queryEnv)));
  }

  /**
   * The environment the stack gives its services, HTTP_PORT aside: what a process joining this stack needs, a
   * projector started elsewhere (with {@link Options#withoutProjector()}) or the operator CLI.
   */
  public Map<String, String> joiningEnvironment() {
    return environment;
  }

  /** The topics the services use. */
  public TopicSettings topics() {
    return topics;
  }

  /**
   * Sets the command service's {@code STOCKLOG_AUTH} in {@code commandEnv} as {@code given} says, else
   * {@code local}, and its {@code STOCKLOG_API_TOKENS} as given, else to one new operator token, returned.
   */
  static Optional<String> secure(Map<String, String> commandEnv, Map<String, String> given) {
    commandEnv.put(AuthMode.VARIABLE, Env.text(given, AuthMode.VARIABLE, AuthMode.LOCAL.configName()));
    String tokens = Env.text(given, ApiTokens.VARIABLE, "");
    if (!tokens.isEmpty()) {
      commandEnv.put(ApiTokens.VARIABLE, tokens);
      return Optional.empty();
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    commandEnv.put(ApiTokens.VARIABLE, token + "=" + Scope.OPERATOR.configName());
    return Optional.of(token);
  }

  /** The operator token made for this run, if {@code STOCKLOG_API_TOKENS} was not given. */
  public Optional<String> generatedToken() {
    return Optional.ofNullable(generatedToken);
  }

  /**
   * Stops the projector and starts it again with the same application ID and state directory, as a
   * redeploy would: exactly-once processing must leave no decision doubled or lost.
   */
  public void restartProjector() {
    if (projector == null) {
      throw new IllegalStateException("this stack was started without a projector");
    }
    projector.restartProjector();
  }

  public String commandUrl() {
    return "http://localhost:" + command.port();
  }

  /** @throws IllegalStateException if the stack was started without a projector */
  public String projectorUrl() {
    if (projector == null) {
      throw new IllegalStateException("this stack was started without a projector");
    }
    return "http://localhost:" + projector.port();
  }

  public String queryUrl() {
    return "http://localhost:" + query.port();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public PostgresEndpoint database() {
    return database;
  }

  /** Where a durable stack keeps its log and state; empty for a scratch stack. */
  public Optional<Path> dataDirectory() {
    return Optional.ofNullable(dataDirectory);
  }

  /** Whether this start began from an empty log (a scratch stack always does). */
  public boolean startedEmpty() {
    return startedEmpty;
  }

  /** Which rule found the Postgres server (README "Where Postgres comes from"). */
  String postgresSource() {
    return postgresSource;
  }

  AuthMode commandAuth() {
    return commandAuth;
  }

  private <T extends AutoCloseable> T own(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes in reverse order of start: HTTP first, so nothing new comes in, Kafka last. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("stopping the local stack");
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
      }
    }
    log.info("local stack stopped");
  }

  private static void dropDatabase(PostgresEndpoint server, String name) {
    try {
      ReadModelDatabase.drop(server, name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the read model database " + name + " on " + server.jdbcUrl()
          + ": " + e.getMessage(), e);
    }
  }

  /** A scratch stack's database name when none is given: its own, so it never drops another stack's. */
  private static String scratchName() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return "stocklog_tmp_" + java.util.HexFormat.of().formatHex(random);
  }

  /** What the start banner says about tokens: the generated one, printed here once, and never a given one. */
  static String authHelp(AuthMode mode, String generatedToken) {
    if (mode == AuthMode.DISABLED) {
      return "Commands need no token (STOCKLOG_AUTH=disabled).\n";
    }
    String who = mode == AuthMode.LOCAL
        ? "Requests from this machine without a token are let in too (STOCKLOG_AUTH=required to require it everywhere).\n"
        : "Every command needs one (STOCKLOG_AUTH=required).\n";
    return generatedToken == null
        ? "Commands take a bearer token from STOCKLOG_API_TOKENS (not shown).\n" + who
        : "Commands take a bearer token; this run's operator token (new each run, shown only here):\n  "
            + generatedToken + "\n" + who;
  }

  /** The curl option that sends the token, with a trailing space; none when tokens are off. */
  static String curlAuth(AuthMode mode, String generatedToken) {
    if (mode == AuthMode.DISABLED) {
      return "";
    }
    return generatedToken == null
        ? "-H \"Authorization: Bearer $STOCKLOG_TOKEN\" " : "-H 'Authorization: Bearer " + generatedToken + "' ";
  }

  /** The one-command stack; see {@link Main}. */
  public static void main(String[] args) throws InterruptedException {
    Main.main(args);
  }
}
