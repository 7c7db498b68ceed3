package io.stocklog.bench;

import io.stocklog.local.LocalStack;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: every selected contender on every selected workload, one after another (never two at once:
 * the machine is small), then a Markdown table and PNG charts in the results folder. Baselines run first,
 * with the local stack stopped so its broker does not take their CPU; then a fresh stack per workload (and
 * per partition count for scaling) for this system's contenders and the seed architecture, which needs a
 * broker too.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmarks stocklog against the seed strategies on the same workload.")
public final class Bench implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(Bench.class);

  /** Contender IDs in report order. */
  static final List<String> ALL = List.of("http-wait", "http", "kafka", "pg-lock", "pg-occ", "pg-cond",
      "pg-cond-async", "redis-lua", "redis-lua-fsync", "redis-lock", "redlock", "zk", "etcd", "seed");
  private static final Set<String> ON_STACK = Set.of("http-wait", "http", "kafka", "seed");
  /** The carts workload's contenders, in report order ({@code seed} is listed there as not applying). */
  static final List<String> CARTS = List.of("orders-pg-lock", "orders-kafka", "orders-http-wait");
  /** The carts contenders' names in the report, for a row of one that did not run. */
  private static final Map<String, String> CART_NAMES = Map.of(
      "orders-pg-lock", "Postgres, every line FOR UPDATE in SKU order",
      "orders-kafka", "stocklog orders via Kafka producer",
      "orders-http-wait", "stocklog orders via HTTP, Prefer: wait");

  @Option(names = "--workloads", split = ",", description = "flash, catalogue, scaling, carts (default: the first"
      + " three; carts only when named)")
  List<String> workloads = List.of("flash", "catalogue", "scaling");

  @Option(names = "--contenders", split = ",", description = "Any of ${DEFAULT-VALUE}; for carts any of"
      + " orders-pg-lock, orders-kafka, orders-http-wait, seed (none of these named: all of them)")
  List<String> contenders = ALL;

  @Option(names = "--stock", description = "Flash sale: units of the hot SKU (default ${DEFAULT-VALUE})")
  long stock = 10_000;

  @Option(names = "--requests", description = "Flash sale: buy requests of one unit (default ${DEFAULT-VALUE})")
  int requests = 100_000;

  @Option(names = "--clients", description = "Client threads of the blocking contenders (default ${DEFAULT-VALUE})")
  int clients = 32;

  @Option(names = "--inflight", description = "Requests in flight through a Kafka producer (default ${DEFAULT-VALUE})")
  int inflight = 8192;

  @Option(names = "--http-inflight", description = "HTTP with Prefer: wait: requests in flight, each on its own"
      + " connection until decided (default ${DEFAULT-VALUE})")
  int httpInflight = 2048;

  @Option(names = "--http-connections", description = "HTTP without waiting: connections; a connection is free again at"
      + " the 202, so orders in flight are --inflight (default ${DEFAULT-VALUE})")
  int httpConnections = 256;

  @Option(names = "--skus", description = "Catalogue: SKUs (default ${DEFAULT-VALUE})")
  int skus = 10_000;

  @Option(names = "--stock-per-sku", description = "Catalogue: units per SKU (default ${DEFAULT-VALUE})")
  long stockPerSku = 100;

  @Option(names = "--orders", description = "Catalogue: reservations (default ${DEFAULT-VALUE})")
  int orders = 60_000;

  @Option(names = "--zipf", description = "Catalogue: Zipf exponent of demand (default ${DEFAULT-VALUE})")
  double zipf = 1.0;

  @Option(names = "--confirm", description = "Catalogue: share of holds confirmed (default ${DEFAULT-VALUE})")
  double confirm = 0.3;

  @Option(names = "--cancel", description = "Catalogue: share of holds cancelled (default ${DEFAULT-VALUE})")
  double cancel = 0.15;

  @Option(names = "--cart-skus", description = "Carts: SKUs (default ${DEFAULT-VALUE})")
  int cartSkus = 10_000;

  @Option(names = "--cart-stock-per-sku", description = "Carts: units per SKU, scarce (default ${DEFAULT-VALUE})")
  long cartStockPerSku = 50;

  @Option(names = "--carts", description = "Carts: carts in the plan; the time cap usually ends the run first"
      + " (default ${DEFAULT-VALUE})")
  int carts = 50_000;

  @Option(names = "--cart-lines", description = "Carts: lines per cart at most, 1 to this, uniformly; a line's SKU"
      + " is drawn by Zipf (--zipf), so a cart may name a SKU twice (default ${DEFAULT-VALUE})")
  int cartLines = 5;

  @Option(names = "--cart-confirm", description = "Carts: share of held carts confirmed (default ${DEFAULT-VALUE})")
  double cartConfirm = 0.6;

  @Option(names = "--cart-cancel", description = "Carts: share of held carts cancelled; the rest expire"
      + " (default ${DEFAULT-VALUE})")
  double cartCancel = 0.2;

  @Option(names = "--cart-hold", description = "Carts: seconds a cart is held (default ${DEFAULT-VALUE})")
  int cartHold = 10;

  @Option(names = "--cart-inflight", description = "Carts: carts in flight through this system's Kafka producer or"
      + " HTTP client (a cart is a dozen records or more) (default ${DEFAULT-VALUE})")
  int cartInflight = 1024;

  @Option(names = "--cart-settle", description = "Carts: seconds at most, after the last hold's end, for the store"
      + " to let every hold go before the final state is read (default ${DEFAULT-VALUE})")
  int cartSettle = 60;

  @Option(names = "--partitions", description = "Partitions of the events topic for flash and catalogue (default ${DEFAULT-VALUE})")
  int partitions = TopicSettings.DEFAULT_PARTITIONS;

  /**
   * Three points, not five: the two contenders added for like-for-like durability cost about a minute, and on the
   * 2-core machines 2 and 8 partitions told nothing 1, 4 and 12 do not (the ceiling is the cores). The default run
   * stays near 10 minutes.
   */
  @Option(names = "--scaling-partitions", split = ",", description = "Scaling: partition counts (default ${DEFAULT-VALUE})")
  List<Integer> scalingPartitions = List.of(1, 4, 12);

  @Option(names = "--scaling-contenders", split = ",", description = "Scaling: contenders (default ${DEFAULT-VALUE})")
  List<String> scalingContenders = List.of("kafka", "seed");

  @Option(names = "--cap", description = "Seconds per contender per workload before it stops issuing (default ${DEFAULT-VALUE})")
  int capSeconds = 10;

  @Option(names = "--warmup", description = "Unrecorded warm-up load before a contender's first run, so its figures"
      + " are not a cold JIT's: at least this many seconds, then rounds of 2 s until the JIT takes under 5%% of this"
      + " JVM's CPU in a round (default ${DEFAULT-VALUE}; 0 for none)")
  int warmupSeconds = 3;

  @Option(names = "--warmup-max", description = "Seconds at most of warm-up, JIT quiet or not; the report says which"
      + " (default ${DEFAULT-VALUE})")
  int warmupMaxSeconds = 8;

  @Option(names = "--stack-warmup-max", description = "Seconds at most of the one warm-up of this system's stack (broker,"
      + " Kafka Streams, services) through a Kafka producer, before its first contender (default ${DEFAULT-VALUE})")
  int stackWarmupMaxSeconds = 40;

  @Option(names = "--repeat", description = "Runs per contender and workload; the table shows the run with the median"
      + " throughput and the spread over all runs (default ${DEFAULT-VALUE})")
  int repeat = 1;

  @Option(names = "--rate", description = "Open loop for every run: orders offered per second, whatever the answers"
      + " do (default: closed loop, as fast as answered)")
  double rate = 0;

  @Option(names = "--half-load", split = ",", description = "Contenders measured again, open loop at half their"
      + " measured maximum, for latency at a sustainable load; flash and catalogue only (default ${DEFAULT-VALUE};"
      + " 'none' for none)")
  List<String> halfLoad = List.of("kafka");

  @Option(names = "--occ-retries", description = "Postgres OCC: retries before giving up (default ${DEFAULT-VALUE})")
  int occRetries = 10;

  @Option(names = "--lock-ttl", description = "Redis locks: lease in ms (default ${DEFAULT-VALUE})")
  long lockTtlMs = 2000;

  @Option(names = "--visibility-every", description = "Probe the query service for every n-th hold (default ${DEFAULT-VALUE})")
  int visibilityEvery = 50;

  @Option(names = "--stack-env", description = "VARIABLE=value for this system's services, as in production"
      + " (repeatable), e.g. STOCKLOG_COMMIT_INTERVAL_MS=50; the defaults are the services' own")
  Map<String, String> stackEnv = new LinkedHashMap<>();

  @Option(names = "--redis", description = "The local Redis, host:port (default ${DEFAULT-VALUE})")
  String redis = "127.0.0.1:6379";

  @Option(names = "--seed", description = "Random seed of the workloads (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--out", description = "Results folder (default ${DEFAULT-VALUE})")
  Path out = Path.of("bench", "results");

  private final List<RunResult> results = new ArrayList<>();
  private final List<CartResult> cartResults = new ArrayList<>();
  private final List<WarmUp> cartWarmUps = new ArrayList<>();
  private final List<WarmUp> warmUps = new ArrayList<>();
  /** Contenders already warmed up in this JVM: the JIT keeps what it learnt across stacks and workloads. */
  private final Set<String> warmed = new HashSet<>();

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = new CommandLine(new Bench()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    for (String c : contenders) {
      if (!ALL.contains(c) && !CARTS.contains(c)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--contenders: unknown " + c + "; use any of "
            + ALL + " or " + CARTS);
      }
    }
    halfLoad = halfLoad.equals(List.of("none")) ? List.of() : halfLoad;
    for (String c : halfLoad) {
      if (!ALL.contains(c)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--half-load: unknown " + c + "; use any of " + ALL);
      }
    }
    if (repeat < 1 || warmupSeconds < 0 || rate < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--repeat must be at least 1, --warmup and --rate at least 0");
    }
    long started = System.nanoTime();
    Driver driver = new Driver(Duration.ofSeconds(capSeconds), null);
    try (Servers servers = new Servers()) {
      BenchDatabase db = BenchDatabase.create();
      if (workloads.contains("flash")) {
        workload("flash sale", tag -> Plan.flashSale(tag, stock, requests), partitions, contenders, db, servers, driver);
      }
      if (workloads.contains("catalogue")) {
        workload("catalogue", this::catalogue, partitions, contenders, db, servers, driver);
      }
      if (workloads.contains("scaling")) {
        for (int p : scalingPartitions) {
          workload("scaling", this::catalogue, p, scalingContenders, db, servers, driver);
        }
      }
      List<String> wanted = contenders.stream().filter(CARTS::contains).toList();
      if (workloads.contains("carts")) {
        carts(wanted.isEmpty() ? CARTS : wanted, wanted.isEmpty() || contenders.contains("seed"), db);
      }
    }
    double minutes = (System.nanoTime() - started) / 6e10;
    String header = header(minutes);
    if (!results.isEmpty()) {
      Report.write(out, header, results, warmUps);
      System.out.println(header);
      System.out.println(Report.table(results));
      System.out.println(Report.warmUpTable(warmUps));
      System.out.println(Report.cpuTable(results));
    }
    if (workloads.contains("carts")) {
      String cartHeader = cartHeader(minutes);
      CartReport.write(out, cartHeader, cartResults, cartWarmUps);
      System.out.println(cartHeader);
      System.out.println(CartReport.table(cartResults));
    }
    System.out.printf(Locale.ROOT, "results in %s (%.1f min)%n", out.toAbsolutePath(), minutes);
    return 0;
  }

  private Plan catalogue(String tag) {
    return Plan.catalogue(tag, skus, stockPerSku, orders, zipf, confirm, cancel, seed);
  }

  private void workload(String name, Function<String, Plan> plan, int parts, List<String> which, BenchDatabase db,
      Servers servers, Driver driver) throws Exception {
    for (String id : which) {
      if (!ON_STACK.contains(id)) {
        runOne(name, parts, id, () -> baseline(id, db, servers), plan, driver);
      }
    }
    if (which.stream().noneMatch(ON_STACK::contains)) {
      return;
    }
    log.info("{}: starting the local stack with {} partitions", name, parts);
    LocalStack started;
    try {
      LocalStack.Options options = new LocalStack.Options().partitions(parts);
      stackEnv.forEach(options::env);
      started = LocalStack.start(options);
    } catch (RuntimeException | LinkageError e) {
      log.error("{}: the local stack did not start", name, e);
      which.stream().filter(ON_STACK::contains)
          .forEach(id -> results.add(RunResult.skipped(name, id, parts, "local stack did not start: " + e)));
      return;
    }
    try (LocalStack stack = started) {
      TopicSettings topics = TopicSettings.defaults();
      try (OutcomeWatcher watcher = new OutcomeWatcher(stack.bootstrapServers(), topics.outcomes())) {
        if (warmupSeconds > 0 && warmed.add("the stack")) {
          // Most of what the JIT must compile is the broker, Kafka Streams and the projector, which every one of
          // this system's contenders uses: warm it once, longest, then each contender briefly for its own client.
          try (KafkaContender k = new KafkaContender(stack.bootstrapServers(), topics.events(), watcher, inflight)) {
            warmUp(name, parts, k, "this system's stack, through a Kafka producer", tag(name, "stack", parts), driver,
                stackWarmupMaxSeconds);
          }
        }
        Driver withProbe = new Driver(Duration.ofSeconds(capSeconds), new VisibilityProbe(stack.queryUrl(), visibilityEvery),
            true, new LogRecords(stack.bootstrapServers(), topics.events(), topics.outcomes()));
        for (String id : which) {
          if (!ON_STACK.contains(id)) {
            continue;
          }
          String bootstrap = stack.bootstrapServers();
          runOne(name, parts, id, () -> switch (id) {
            case "http-wait" -> new HttpContender(bootstrap, topics.events(), watcher, stack.commandUrl(),
                stack.generatedToken().orElse(null), true, httpInflight, httpInflight);
            case "http" -> new HttpContender(bootstrap, topics.events(), watcher, stack.commandUrl(),
                stack.generatedToken().orElse(null), false, inflight, httpConnections);
            case "kafka" -> new KafkaContender(bootstrap, topics.events(), watcher, inflight);
            case "seed" -> new SeedArchitecture(db, bootstrap, "bench.seed." + tag(name, id, parts), parts,
                Math.min(parts, 2), inflight);
            default -> throw new IllegalStateException(id);
          }, plan, id.equals("seed") ? driver : withProbe);
          if (!id.equals("seed")) {
            // After the timings, never part of them: is the read model still the fold of the log?
            String verdict = StackInvariants.check(name, id, bootstrap, topics, stack.database());
            addNote(verdict);
          }
        }
      }
    }
  }

  private CartPlan cartPlan(String tag, long seedOffset) {
    return CartPlan.generate(tag, cartSkus, cartStockPerSku, carts, cartLines, zipf, cartConfirm, cartCancel, cartHold,
        seed + seedOffset);
  }

  /**
   * The carts workload: Postgres first with the stack stopped, then a fresh stack for this system's two ways in;
   * the seed architecture gets its row saying why it does not apply. Each contender gets one unrecorded warm-up run
   * on SKUs of its own (at most {@code --warmup-max} s; this system's first one {@code --stack-warmup-max} s), since
   * the order paths are code the other workloads never compiled.
   */
  private void carts(List<String> which, boolean withSeed, BenchDatabase db) {
    CartDriver driver = new CartDriver();
    Driver.Pacing pacing = rate > 0 ? Driver.Pacing.open(rate) : Driver.Pacing.CLOSED;
    if (which.contains("orders-pg-lock")) {
      runCarts("orders-pg-lock", () -> new PgCartLock(db, clients), driver, pacing, warmupMaxSeconds);
    }
    if (which.contains("orders-kafka") || which.contains("orders-http-wait")) {
      log.info("carts: starting the local stack with {} partitions", partitions);
      LocalStack started;
      try {
        LocalStack.Options options = new LocalStack.Options().partitions(partitions);
        stackEnv.forEach(options::env);
        started = LocalStack.start(options);
      } catch (RuntimeException | LinkageError e) {
        log.error("carts: the local stack did not start", e);
        which.stream().filter(id -> !id.equals("orders-pg-lock"))
            .forEach(id -> cartResults.add(CartResult.skipped(CART_NAMES.get(id), "local stack did not start: " + e)));
        started = null;
      }
      if (started != null) {
        try (LocalStack stack = started) {
          TopicSettings topics = TopicSettings.defaults();
          try (OutcomeWatcher watcher = new OutcomeWatcher(stack.bootstrapServers(), topics.outcomes())) {
            String bootstrap = stack.bootstrapServers();
            int stackWarmup = stackWarmupMaxSeconds;
            for (String id : List.of("orders-kafka", "orders-http-wait")) {
              if (!which.contains(id)) {
                continue;
              }
              runCarts(id, () -> id.equals("orders-kafka")
                  ? new KafkaCarts(bootstrap, topics.events(), watcher, cartInflight)
                  : new HttpCarts(bootstrap, topics.events(), watcher, stack.commandUrl(),
                      stack.generatedToken().orElse(null), cartInflight), driver, pacing, stackWarmup);
              stackWarmup = warmupMaxSeconds;
              if (!cartResults.isEmpty() && cartResults.get(cartResults.size() - 1).skipped() == null) {
                // After the figures, never part of them: is the read model still the fold of the log?
                String verdict = StackInvariants.check("carts", id, bootstrap, topics, stack.database());
                cartResults.add(cartResults.remove(cartResults.size() - 1).withNote(verdict));
              }
            }
          }
        }
      }
    }
    if (withSeed) {
      cartResults.add(CartResult.skipped("Kafka by SKU + OCC consumer (seed)", CartReport.SEED_DOES_NOT_APPLY));
    }
  }

  interface CartFactory {
    CartContender create() throws Exception;
  }

  private void runCarts(String id, CartFactory factory, CartDriver driver, Driver.Pacing pacing, int warmupMax) {
    CartContender c;
    try {
      c = factory.create();
    } catch (Servers.Skip e) {
      log.warn("carts / {}: skipped: {}", id, e.getMessage());
      cartResults.add(CartResult.skipped(CART_NAMES.get(id), e.getMessage()));
      return;
    } catch (Exception e) {
      log.warn("carts / {}: skipped: {}", id, e.toString());
      cartResults.add(CartResult.skipped(CART_NAMES.get(id), "cannot start: " + e));
      return;
    }
    try (c) {
      if (warmupSeconds > 0 && warmed.add("carts " + id)) {
        CpuAccount cpu = new CpuAccount();
        CpuAccount.Snapshot before = cpu.snapshot();
        long begin = System.nanoTime();
        // One run on SKUs of its own (stock to spare), so every path is compiled: holds, confirms, cancels.
        CartPlan warm = CartPlan.generate(tag("carts", id, partitions) + "-warm", 500, 1_000, 200_000, cartLines,
            zipf, cartConfirm, cartCancel, cartHold, seed + 1);
        driver.run(c, warm, Duration.ofSeconds(Math.max(warmupSeconds, warmupMax)), Driver.Pacing.CLOSED, 0);
        double share = CpuAccount.jitShare(before, cpu.snapshot());
        cartWarmUps.add(new WarmUp("carts", c.name(), 1, (System.nanoTime() - begin) / 1e9, share,
            !Double.isNaN(share) && share < WarmUp.QUIET));
      }
      cartResults.add(driver.run(c, cartPlan(tag("carts", id, partitions), 0), Duration.ofSeconds(capSeconds), pacing,
          cartSettle));
    } catch (Exception e) {
      log.error("carts / {} failed", c.name(), e);
      cartResults.add(CartResult.skipped(c.name(), "failed: " + e));
    }
  }

  private String cartHeader(double minutes) {
    return String.format(Locale.ROOT, """
        # stocklog benchmark: carts

        Run %s on %d cores, JDK %s. Seed %d; time cap %d s per contender; whole run %.1f min.
        %,d SKUs x %,d units; %,d carts planned of 1 to %d lines (a line's SKU by Zipf %.2f, quantity 1 to 3; lines
        of one SKU summed); held for %d s, then confirmed %.2f, cancelled %.2f, the rest left to expire. Blocking
        clients %d; this system's carts in flight %d (Kafka or HTTP). "orders decided" counts placings (held or rejected), and
        orders/s is over the time from the first placing to the last decided; latency is a placing's, sent to decision
        known. Stranded, oversold and partial are read from the final state once every hold has ended: for this
        system a fold of the whole log (the projector's own fold), for Postgres its tables. Each contender had one
        unrecorded warm-up run on SKUs of its own, listed below the table with the JIT's share of the CPU
        during it.
        """, Instant.now(), Runtime.getRuntime().availableProcessors(), Runtime.version(), seed, capSeconds, minutes,
        cartSkus, cartStockPerSku, carts, cartLines, zipf, cartHold, cartConfirm, cartCancel, clients, cartInflight) + (stackEnv.isEmpty() ? "" : "This system's services ran with " + stackEnv + ".\n");
  }

  private Contender baseline(String id, BenchDatabase db, Servers servers) throws Exception {
    String host = redis.substring(0, redis.lastIndexOf(':'));
    int port = Integer.parseInt(redis.substring(redis.lastIndexOf(':') + 1));
    return switch (id) {
      case "pg-lock" -> new PgForUpdate(db, clients);
      case "pg-occ" -> new PgOcc(db, clients, occRetries);
      case "pg-cond" -> new PgConditional(db, clients, false);
      case "pg-cond-async" -> new PgConditional(db, clients, true);
      case "redis-lua" -> new RedisLua("Redis Lua check-and-decrement", host, port, clients);
      case "redis-lua-fsync" -> new RedisLua("Redis Lua, appendfsync always", "127.0.0.1", servers.redisFsync(), clients);
      case "redis-lock" -> new RedisLockFenced(db, host, port, clients, lockTtlMs);
      case "redlock" -> new Redlock(db, servers.redlock(), clients, lockTtlMs);
      case "zk" -> new ZkLock(db, servers.zookeeper(), clients);
      case "etcd" -> new EtcdLock(db, servers.etcd(), clients);
      default -> throw new IllegalStateException(id);
    };
  }

  interface Factory {
    Contender create() throws Exception;
  }

  private static String tag(String workload, String id, int parts) {
    return workload.charAt(0) + "-" + id + "-p" + parts;
  }

  private void runOne(String workload, int parts, String id, Factory factory, Function<String, Plan> plan,
      Driver driver) {
    Contender c;
    try {
      c = factory.create();
    } catch (Servers.Skip e) {
      log.warn("{} / {}: skipped: {}", workload, id, e.getMessage());
      results.add(RunResult.skipped(workload, id, parts, e.getMessage()));
      return;
    } catch (Exception e) {
      log.warn("{} / {}: skipped: {}", workload, id, e.toString());
      results.add(RunResult.skipped(workload, id, parts, "cannot start: " + e));
      return;
    }
    String tag = tag(workload, id, parts);
    try (c) {
      if (warmupSeconds > 0 && warmed.add(id)) {
        warmUp(workload, parts, c, c.name(), tag, driver, warmupMaxSeconds);
      }
      Driver.Pacing pacing = rate > 0 ? Driver.Pacing.open(rate) : Driver.Pacing.CLOSED;
      List<RunResult> runs = new ArrayList<>();
      for (int i = 1; i <= repeat; i++) {
        runs.add(driver.run(workload, parts, c, plan.apply(repeat == 1 ? tag : tag + "-r" + i),
            Duration.ofSeconds(capSeconds), pacing));
      }
      RunResult median = median(runs);
      results.add(median);
      if (rate == 0 && halfLoad.contains(id) && !workload.equals("scaling") && median.throughput() >= 2) {
        double half = median.throughput() / 2;
        log.info("{} / {}: open loop at half the measured maximum, {}/s", workload, c.name(), Math.round(half));
        results.add(driver.run(workload, parts, c, plan.apply(tag + "-half"), Duration.ofSeconds(capSeconds),
            Driver.Pacing.open(half)));
      }
    } catch (Exception e) {
      log.error("{} / {} failed", workload, c.name(), e);
      results.add(RunResult.skipped(workload, c.name(), parts, "failed: " + e));
    }
  }

  /**
   * Unrecorded load until the JIT is quiet: rounds of 2 s of reserves, confirms, cancels and refusals on SKUs
   * of their own (so every path is compiled), at least {@code --warmup} seconds, then until the JIT compiler's
   * threads took under 5% of this JVM's CPU in a round (the measure the CPU table uses), or {@code maxSeconds}
   * are spent ({@link WarmUp#step}). This system runs a broker, Kafka Streams, Jetty and their clients in this one
   * JVM: on 2 cores they take minutes to compile, and figures taken before that partly measure the compiler. How
   * each warm-up ended goes into the report.
   */
  private void warmUp(String workload, int parts, Contender c, String what, String tag, Driver driver,
      int maxSeconds) throws Exception {
    CpuAccount cpu = new CpuAccount();
    long begin = System.nanoTime();
    for (int round = 1; ; round++) {
      CpuAccount.Snapshot before = cpu.snapshot();
      driver.run(workload, parts, c, Plan.catalogue(tag + "-warm" + round, 200, 100, 100_000, zipf, confirm, cancel,
          seed + round), Duration.ofSeconds(WarmUp.ROUND_SECONDS), Driver.Pacing.CLOSED);
      double share = CpuAccount.jitShare(before, cpu.snapshot());
      double elapsed = (System.nanoTime() - begin) / 1e9;
      log.info("{} / {}: warm-up round {}, {} s in, the JIT took {}% of the CPU", workload, what, round,
          Math.round(elapsed), Double.isNaN(share) ? "?" : Long.toString(Math.round(share * 100)));
      WarmUp.Step step = WarmUp.step(elapsed, share, warmupSeconds, maxSeconds);
      if (step != WarmUp.Step.GO_ON) {
        warmUps.add(new WarmUp(workload, what, round, elapsed, share, step == WarmUp.Step.QUIET));
        return;
      }
    }
  }

  /** The run with the median throughput, its note giving the spread over all of them. */
  static RunResult median(List<RunResult> runs) {
    if (runs.size() == 1) {
      return runs.get(0);
    }
    List<RunResult> sorted = runs.stream().sorted(Comparator.comparingDouble(RunResult::throughput)).toList();
    RunResult median = sorted.get((sorted.size() - 1) / 2);
    return median.withNote(String.format(Locale.ROOT, "median of %d runs; decisions/s %,.0f to %,.0f, p99 %s to %s ms",
        runs.size(), sorted.get(0).throughput(), sorted.get(sorted.size() - 1).throughput(),
        Report.ms(runs.stream().mapToLong(r -> r.latency().p99()).min().orElse(0)),
        Report.ms(runs.stream().mapToLong(r -> r.latency().p99()).max().orElse(0))));
  }

  /** Adds {@code text} to the note of the last result (this system's contenders share one stack per workload). */
  private void addNote(String text) {
    if (results.isEmpty()) {
      return;
    }
    results.add(results.remove(results.size() - 1).withNote(text));
  }

  private String header(double minutes) {
    String mem = "";
    try {
      mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    } catch (Exception e) {
      mem = "memory unknown";
    }
    return String.format(Locale.ROOT, """
        # stocklog benchmark

        Run %s on %d cores, %s, JDK %s (%s), %s %s. Seed %d; time cap %d s per contender; whole run %.1f min.
        Unrecorded warm-up before each contender's first run: rounds of 2 s, at least %d s, until the JIT compiler
        takes under 5%% of this JVM's CPU in a round, at most %d s (this system's stack: once, before its first
        contender, at most %d s); how each warm-up ended is listed below the table. Column "JIT" is the JIT's share
        of this JVM's CPU during the run: for this system, of the broker, services and clients in this JVM; for the
        others, of their clients only (their servers are other processes).
        Durability is what a crash right after an answer could still lose: memory only; page cache (written, not
        fsynced: a machine crash may lose it); fsync, one machine; replicated. This system runs here on a single
        in-process broker, so its answers are in the page cache class; Postgres's and Redis's classes are read from
        the servers' settings as each contender's sessions see them.
        %d run(s) per row, the median shown.
        Flash sale: stock %,d, %,d requests. Catalogue: %,d SKUs x %,d units, %,d orders, Zipf %.2f, confirm %.2f,
        cancel %.2f. Blocking clients %d; Kafka in flight %d; HTTP: %d waiting requests in
        flight, or %d connections without waiting (orders in flight as for Kafka). Latency is request to known
        outcome; "visible" is decision known to visible in the query service (this system only). Load "max" is a
        closed loop (a new request as soon as one is answered); "open R/s" offers R requests a second whatever
        the answers do, its latency timed from when each request was due.
        """, Instant.now(), Runtime.getRuntime().availableProcessors(), mem, Runtime.version(),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.version"), seed,
        capSeconds, minutes, warmupSeconds, warmupMaxSeconds, stackWarmupMaxSeconds, repeat, stock, requests, skus, stockPerSku, orders, zipf, confirm, cancel, clients, inflight,
        httpInflight, httpConnections) + (stackEnv.isEmpty() ? "" : "This system's services ran with " + stackEnv + ".\n");
  }
}
