package io.stocklog.bench;

import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.infra.PostgresEndpoint;
import io.stocklog.local.LocalStack;
import io.stocklog.readmodel.ProjectionCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The storefront workload: reads of one hot SKU through the query service, plain and conditional
 * ({@code If-None-Match}), quiet and during a running flash sale, against the same primary-key read straight
 * from Postgres ({@code pgbench}, prepared) and a Redis {@code GET} ({@code redis-benchmark}); then the SSE
 * fan-out: thousands of watchers of the hot SKU while the sale runs. Every load generator is an outside process
 * ({@code wrk}, installed from Debian's packages when missing; {@code pgbench}; {@code redis-benchmark}; the
 * watchers in a JVM of their own), so the measured JVM holds only this system's stack and the sale's producer.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl bench exec:java -Dexec.mainClass=io.stocklog.bench.StorefrontBench</pre>
 */
@Command(name = "storefront-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Storefront reads of a hot SKU through the query service, against Postgres and Redis, and SSE fan-out.")
public final class StorefrontBench implements Callable<Integer> {

  static final String HOT = "hot-sku-1";
  private static final String DATABASE = "storefront_bench";
  private static final Pattern POSITION = Pattern.compile("\"position\":\"([^\"]+)\"");

  @Option(names = "--seconds", defaultValue = "10", description = "Seconds per read run (default ${DEFAULT-VALUE}).")
  int seconds;
  @Option(names = "--warmup", defaultValue = "8", description = "Unrecorded seconds of wrk on each read path first (default ${DEFAULT-VALUE}).")
  int warmupSeconds;
  @Option(names = "--connections", defaultValue = "64", description = "Connections of every read run (default ${DEFAULT-VALUE}).")
  int connections;
  @Option(names = "--threads", defaultValue = "2", description = "Threads of wrk and pgbench (default ${DEFAULT-VALUE}).")
  int threads;
  @Option(names = "--sale-rate", defaultValue = "2000",
      description = "Reservations a second on the hot SKU during the sale, straight to the log (default ${DEFAULT-VALUE}).")
  int saleRate;
  @Option(names = "--watchers", defaultValue = "10000", description = "SSE watchers of the hot SKU (default ${DEFAULT-VALUE}).")
  int watchers;
  @Option(names = "--watch-seconds", defaultValue = "20", description = "Seconds of sale the watchers follow (default ${DEFAULT-VALUE}).")
  int watchSeconds;
  @Option(names = "--fan-out-only", description = "Only the SSE fan-out, no read runs.")
  boolean fanOutOnly;
  @Option(names = "--partitions", defaultValue = "12", description = "Events partitions (default ${DEFAULT-VALUE}).")
  int partitions;
  @Option(names = "--stack-env", description = "VARIABLE=value for this system's services (repeatable).")
  Map<String, String> stackEnv = new LinkedHashMap<>();
  @Option(names = "--out", defaultValue = "bench/results/storefront.md", description = "Where the report goes (default ${DEFAULT-VALUE}).")
  Path out;

  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new StorefrontBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String wrkMissing = InstallServers.ensure("wrk", "wrk");
    if (wrkMissing != null) {
      System.err.println("cannot run the storefront bench: " + wrkMissing);
      return 2;
    }
    Instant started = Instant.now();
    LocalStack.Options options = new LocalStack.Options().partitions(partitions).database(DATABASE);
    // The stream cap must admit the watchers; anything --stack-env says wins.
    options.env("STOCKLOG_MAX_STREAMS", Integer.toString(watchers + 1_000));
    stackEnv.forEach(options::env);
    try (LocalStack stack = LocalStack.start(options);
        KafkaProducer<String, byte[]> producer = producer(stack.bootstrapServers())) {
      String events = stack.topics().events();
      String sku = stack.queryUrl() + "/skus/" + HOT;
      send(producer, events, Events.received(HOT, "sf-receipt", 100_000_000L, Instant.now()));
      awaitReadable(sku);
      PostgresEndpoint db = stack.database();
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(db.jdbcUrl());
      dataSource.setUser(db.user());
      dataSource.setPassword(db.password());
      String schema = new ProjectionCatalog(dataSource).servingSchema("public");
      Path pkScript = Files.createTempFile("storefront-pk", ".sql");
      Files.writeString(pkScript, "select sku, on_hand, reserved, available, position_partition, position_offset,"
          + " updated_at from " + schema + ".sku_stock where sku = '" + HOT + "';\n");
      String pgbenchDb = preparePgbench(db);

      if (!fanOutOnly) {
        // Unrecorded warm-up of every read path, so the figures are not a cold JIT's.
        String warmPosition = position(sku);
        for (String url : List.of(stack.queryUrl() + "/health", sku, sku + "?minPosition=" + warmPosition)) {
          attempt(() -> run(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + warmupSeconds + "s", url)));
        }
        String warmTag = currentTag(sku);
        attempt(() -> run(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + warmupSeconds + "s", "-H",
            "If-None-Match: " + warmTag, sku)));

        // Quiet: nothing changes the hot SKU, so a conditional read with the current tag is a 304 every time.
        attempt(() -> wrk("quiet", "GET /health (the HTTP stack's ceiling)", stack.queryUrl() + "/health", null));
        attempt(() -> wrk("quiet", "GET /skus/{sku} through the query service", sku, null));
        String applied = position(sku);
        attempt(() -> wrk("quiet", "GET /skus/{sku}?minPosition=(applied) through the query service, from Postgres",
            sku + "?minPosition=" + applied, null));
        String tag = currentTag(sku);
        attempt(() -> wrk("quiet", "GET /skus/{sku}, If-None-Match with the current tag", sku, tag));
        int status = conditionalStatus(sku, tag);
        notes.add("quiet: a conditional read with the tag taken before the run answered " + status + " after it.");
        attempt(() -> pgbench("quiet", "Postgres: pgbench -S (built-in select-only, prepared)", db, pgbenchDb, null));
        attempt(() -> pgbench("quiet", "Postgres: the same primary-key read of sku_stock (pgbench, prepared)", db, DATABASE, pkScript));
        attempt(() -> redis("quiet", "Redis GET of one key (redis-benchmark)"));

        // A flash sale on the hot SKU: every reservation changes its row.
        try (Sale sale = new Sale(producer, events, saleRate)) {
          Thread.sleep(3_000);
          attempt(() -> wrk("sale", "GET /skus/{sku} through the query service", sku, null));
          String saleApplied = position(sku);
          attempt(() -> wrk("sale", "GET /skus/{sku}?minPosition=(applied) through the query service, from Postgres",
              sku + "?minPosition=" + saleApplied, null));
          String saleTag = currentTag(sku);
          attempt(() -> wrk("sale", "GET /skus/{sku}, If-None-Match with the tag at the run's start (goes stale)", sku, saleTag));
          attempt(() -> pgbench("sale", "Postgres: the same primary-key read of sku_stock (pgbench, prepared)", db, DATABASE, pkScript));
          notes.add(String.format(Locale.ROOT, "sale: %,d reservations appended at %,d/s offered while the reads ran.",
              sale.sent.get(), saleRate));
        }
      }
      if (watchers > 0) {
        fanOut(stack, producer, events, sku, schema + ".sku_stock");
      }
    }
    String report = report(started);
    System.out.println(report);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    return 0;
  }

  /** One measurement; a failed one is reported as a note and the rest still run. */
  private void attempt(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      notes.add("a measurement failed: " + e.getMessage().strip());
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  // --- the SSE fan-out ----------------------------------------------------------------------------------------------

  private void fanOut(LocalStack stack, KafkaProducer<String, byte[]> producer, String events, String sku,
      String table) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-cp", classPath(), SseWatchers.class.getName(), sku + "/stream", Integer.toString(watchers),
        stack.database().jdbcUrl(), stack.database().user(), table, HOT);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process child = pb.start();
    try (BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter to = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String ready = protocolLine(from);
      if (ready == null || !ready.startsWith("READY")) {
        notes.add("SSE fan-out: the watchers did not start: " + ready);
        return;
      }
      long sent;
      long[] cpuBefore = {processCpuNanos(), cpuNanos(child.pid()), machineBusyNanos()};
      long t0 = System.nanoTime();
      try (Sale sale = new Sale(producer, events, saleRate)) {
        Thread.sleep(watchSeconds * 1_000L);
        sent = sale.sent.get();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      notes.add(String.format(Locale.ROOT, "SSE fan-out, CPU while the sale ran (%.1f s): this system's JVM (broker,"
              + " projector, services, the sale's producer) %.2f cores, the watchers' JVM %.2f cores, the whole machine"
              + " %.2f of %d cores busy.", wall, (processCpuNanos() - cpuBefore[0]) / 1e9 / wall,
          (cpuNanos(child.pid()) - cpuBefore[1]) / 1e9 / wall, (machineBusyNanos() - cpuBefore[2]) / 1e9 / wall,
          Runtime.getRuntime().availableProcessors()));
      String last = awaitSettled(sku);
      to.println("STOP " + last);
      String result = protocolLine(from);
      child.waitFor(30, TimeUnit.SECONDS);
      Map<String, String> r = parse(result == null ? "" : result.replaceFirst("^RESULT ", ""));
      rows.add(new String[] {"sale", "SSE: " + r.getOrDefault("watchers", "?") + " watchers of the hot SKU",
          "changes " + r.getOrDefault("changes", "?") + ", events received " + r.getOrDefault("events", "?"),
          "applied to received p50 " + r.getOrDefault("applied_to_received_p50_ms", "?") + " ms, p99 "
              + r.getOrDefault("applied_to_received_p99_ms", "?") + " ms, max "
              + r.getOrDefault("applied_to_received_max_ms", "?") + " ms (" + r.getOrDefault("applied_to_received_n", "?")
              + " receipts); decided to received p50 " + r.getOrDefault("decided_to_received_p50_ms", "?") + " ms, p99 "
              + r.getOrDefault("decided_to_received_p99_ms", "?") + " ms",
          "first to every watcher p99 " + r.getOrDefault("fanout_p99_ms", "?") + " ms, max "
              + r.getOrDefault("fanout_max_ms", "?") + " ms"});
      notes.add(String.format(Locale.ROOT, "SSE fan-out: %,d reservations appended at %,d/s offered for %d s;"
          + " watchers whose sequence of events differs from the others': %s; with the last change: %s of %s;"
          + " out of order: %s; closed early: %s.", sent, saleRate, watchSeconds, r.get("disagreeing"),
          r.get("with_last"), r.get("watchers"), r.get("out_of_order"), r.get("closed_early")));
    } finally {
      child.destroyForcibly();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** A process's user and system CPU from {@code /proc/<pid>/stat}, in nanoseconds (clock ticks of 10 ms). */
  private static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Every core's busy time since boot from {@code /proc/stat} (all but idle and iowait), in nanoseconds. */
  private static long machineBusyNanos() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The watchers' next line of the protocol (READY, FAILED, RESULT); anything else (logging) goes to stderr. */
  private static String protocolLine(BufferedReader from) throws IOException {
    for (String line = from.readLine(); line != null; line = from.readLine()) {
      if (line.startsWith("READY") || line.startsWith("FAILED") || line.startsWith("RESULT")) {
        return line;
      }
      System.err.println("watchers: " + line);
    }
    return null;
  }

  /** The hot SKU's position as the query service reports it now. */
  private String position(String sku) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sku)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = POSITION.matcher(r.body());
    return m.find() ? m.group(1) : "";
  }

  /** Waits until the hot SKU's position stops moving (the sale's last decision applied); returns it. */
  private String awaitSettled(String sku) throws Exception {
    String last = "";
    for (int i = 0; i < 100; i++) {
      String now = position(sku);
      if (now.equals(last)) {
        return now;
      }
      last = now;
      Thread.sleep(1_000);
    }
    return last;
  }

  private static String classPath() {
    StringBuilder cp = new StringBuilder();
    for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader u) { // exec:java's class loader holds the module's class path
        for (URL url : u.getURLs()) {
          cp.append(cp.isEmpty() ? "" : java.io.File.pathSeparator).append(Path.of(URI.create(url.toString())));
        }
      }
    }
    return cp.isEmpty() ? System.getProperty("java.class.path") : cp.toString();
  }

  // --- outside load generators ---------------------------------------------------------------------------------------

  private void wrk(String phase, String what, String url, String ifNoneMatch) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
        "--latency"));
    if (ifNoneMatch != null) {
      cmd.add("-H");
      cmd.add("If-None-Match: " + ifNoneMatch);
    }
    cmd.add(url);
    String output = run(cmd);
    double rate = number(output, "Requests/sec:\\s+([0-9.]+)");
    Matcher non = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
    rows.add(new String[] {phase, what + " (wrk)", String.format(Locale.ROOT, "%,.0f req/s", rate),
        "p50 " + wrkLatency(output, "50%") + ", p99 " + wrkLatency(output, "99%"),
        non.find() ? non.group(1) + " non-2xx/3xx" : ""});
  }

  private static String wrkLatency(String output, String percentile) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(output);
    return m.find() ? m.group(1) + " " + m.group(2) : "?";
  }

  private void pgbench(String phase, String what, PostgresEndpoint db, String database, Path script) throws Exception {
    URI u = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    List<String> cmd = new ArrayList<>(List.of("pgbench", "-h", u.getHost(), "-p", Integer.toString(u.getPort()),
        "-U", db.user(), "-M", "prepared", "-c", Integer.toString(connections), "-j", Integer.toString(threads),
        "-T", Integer.toString(seconds), "-n"));
    if (script == null) {
      cmd.add("-S");
    } else {
      cmd.add("-f");
      cmd.add(script.toString());
    }
    cmd.add(database);
    String output = run(cmd);
    double tps = number(output, "tps = ([0-9.]+)");
    Matcher lat = Pattern.compile("latency average = ([0-9.]+) ms").matcher(output);
    rows.add(new String[] {phase, what, String.format(Locale.ROOT, "%,.0f req/s", tps),
        lat.find() ? "mean " + lat.group(1) + " ms" : "", ""});
  }

  private void redis(String phase, String what) throws Exception {
    if (!InstallServers.onPath("redis-benchmark")) {
      notes.add("Redis GET: redis-benchmark is not installed; skipped.");
      return;
    }
    run(List.of("redis-cli", "-h", "127.0.0.1", "set", "storefront:hot", "{\"sku\":\"" + HOT + "\",\"available\":1}"));
    String output = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", "6379", "-c", Integer.toString(connections),
        "-n", "400000", "-q", "-t", "get"));
    double rate = number(output, "GET: ([0-9.]+) requests per second");
    Matcher p50 = Pattern.compile("p50=([0-9.]+) msec").matcher(output);
    rows.add(new String[] {phase, what, String.format(Locale.ROOT, "%,.0f req/s", rate),
        p50.find() ? "p50 " + p50.group(1) + " ms" : "", ""});
  }

  /** A pgbench database of its own (scale 1, 100,000 accounts), made once and kept. */
  private static String preparePgbench(PostgresEndpoint db) throws Exception {
    String name = "storefront_pgbench";
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'");
      if (rs.next()) {
        return name;
      }
      s.execute("create database " + name);
    }
    URI u = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    run(List.of("pgbench", "-h", u.getHost(), "-p", Integer.toString(u.getPort()), "-U", db.user(), "-i", "-s", "1",
        "-q", name));
    return name;
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }

  private static double number(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no /" + regex + "/ in:\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private static Map<String, String> parse(String keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : keyValues.trim().split("\\s+")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }

  // --- the stack ------------------------------------------------------------------------------------------------------

  private void awaitReadable(String sku) throws Exception {
    for (int i = 0; i < 600; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sku)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(sku + " never became readable");
  }

  private String currentTag(String sku) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sku)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag on " + sku));
  }

  private int conditionalStatus(String sku, String tag) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sku)).header("If-None-Match", tag).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, SkuEvent e) {
    producer.send(new ProducerRecord<>(topic, e.sku(), EventCodec.encode(e)));
  }

  /** Reservations of one unit on the hot SKU at a fixed rate, on a thread of its own, until closed. */
  private static final class Sale implements AutoCloseable {
    final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Sale(KafkaProducer<String, byte[]> producer, String topic, int perSecond) {
      thread = Thread.ofPlatform().name("storefront-sale").start(() -> {
        long start = System.nanoTime();
        while (running.get()) {
          long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
          while (sent.get() < due) {
            long n = sent.incrementAndGet();
            send(producer, topic, Events.requested(HOT, "sf-" + n + "-" + start, 1, 900, Instant.now()));
          }
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
        producer.flush();
      });
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  // --- the report -----------------------------------------------------------------------------------------------------

  private String report(Instant started) {
    StringBuilder s = new StringBuilder("# Storefront reads\n\n");
    s.append(String.format(Locale.ROOT, "Run %s on %d cores, JDK %s. Every load generator an outside process: wrk"
            + " (%d threads, %d connections, %d s), pgbench (-M prepared, the same), redis-benchmark (%d clients),"
            + " the SSE watchers in a JVM of their own. The query service, projector and broker ran in the bench's"
            + " JVM; Postgres and Redis are the machine's. Whole run %.1f min.%n%n", started,
        Runtime.getRuntime().availableProcessors(), Runtime.version(), threads, connections, seconds, connections,
        Duration.between(started, Instant.now()).toSeconds() / 60.0));
    s.append("| phase | read | rate | latency | note |\n| --- | --- | ---: | --- | --- |\n");
    for (String[] r : rows) {
      s.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    s.append('\n');
    notes.forEach(n -> s.append("- ").append(n).append('\n'));
    return s.toString();
  }
}
