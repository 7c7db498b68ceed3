package io.stocklog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this JVM's CPU went during a run, by part of the system: the local stack runs the broker, the three
 * services and the benchmark's own clients in this one process, so each thread's CPU time, grouped by what
 * the thread belongs to, says which part a decision costs most in. The JVM's own threads (the JIT's compilers,
 * the garbage collector) are not Java threads: on Linux their CPU time is read from {@code /proc/self/task},
 * by thread name; anything else is the rest of the process's CPU.
 */
final class CpuAccount {

  static final String CLIENTS = "benchmark clients (producer, outcome watcher, HTTP client, driver)";

  /** The groups in report order, each with the thread-name test that puts a thread in it; first match wins. */
  private record Group(String name, java.util.function.Predicate<String> owns) {}

  private static final List<Group> GROUPS = List.of(
      new Group("projector: Kafka Streams thread (decode, fold, stores, outcome)",
          n -> n.contains("-StreamThread-") && !n.contains("producer")),
      new Group("projector: Streams producer I/O (outcomes, changelogs, transactions)",
          n -> n.contains("-StreamThread-") && n.contains("producer")),
      new Group("projector: read-model sink (outcomes to Postgres)", n -> n.startsWith("outcome-sink")),
      new Group("command service: outcome follower", n -> n.startsWith("outcome-follower")),
      new Group("command service: producer I/O", n -> n.contains("| command-service")),
      new Group("HTTP services: Jetty on virtual threads", n -> n.startsWith("ForkJoinPool-")),
      new Group(CLIENTS,
          n -> n.equals("main") || n.startsWith("outcome-watcher") || n.startsWith("HttpClient")
              || n.matches("kafka-producer-network-thread \\| producer-\\d+") || n.startsWith("ForkJoinPool.commonPool")),
      new Group("Kafka broker (request handlers, network, replication, coordinators)",
          n -> n.startsWith("data-plane-kafka") || n.startsWith("kafka-") || n.startsWith("ExpirationReaper")
              || n.startsWith("group-coordinator") || n.startsWith("TxnMarker") || n.startsWith("AddPartitionsToTxn")
              || n.startsWith("quorum-controller") || n.startsWith("executor-") || n.startsWith("controller-")
              || n.startsWith("broker-") || n.startsWith("share-") || n.startsWith("LogDirFailureHandler")
              || n.startsWith("transaction-log-manager") || n.startsWith("ReplicaFetcher")));

  static final String JIT = "JIT compiler";
  static final String GC = "garbage collector";
  static final String REST = "the rest (timers, metrics, schedulers, unnamed)";
  /** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux this runs on. */
  private static final long TICK_NANOS = 10_000_000L;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * CPU nanoseconds by thread ID, with each thread's group, the process total, and the JIT's and the garbage
   * collector's threads' totals (-1 where /proc cannot be read), at one moment.
   */
  record Snapshot(Map<Long, Long> byThread, Map<Long, String> group, long process, long jitNanos, long gcNanos) {}

  Snapshot snapshot() {
    Map<Long, Long> cpu = new LinkedHashMap<>();
    Map<Long, String> group = new LinkedHashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t < 0 || infos[i] == null) {
        continue;
      }
      cpu.put(ids[i], t);
      group.put(ids[i], groupOf(infos[i].getThreadName()));
    }
    long[] vm = vmThreads();
    return new Snapshot(cpu, group, os.getProcessCpuTime(), vm[0], vm[1]);
  }

  /** CPU nanoseconds of the compiler threads and of the GC threads, from /proc; -1 each if it cannot be read. */
  private static long[] vmThreads() {
    long jit = 0;
    long gc = 0;
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        String stat;
        try {
          stat = java.nio.file.Files.readString(task.resolve("stat"));
        } catch (java.io.IOException ended) {
          continue;
        }
        // pid (comm) state ppid ... utime stime: comm may hold spaces, so split after its closing parenthesis.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
          jit += nanos;
        } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
          gc += nanos;
        }
      }
      return new long[] {jit, gc};
    } catch (java.io.IOException | RuntimeException notLinux) {
      return new long[] {-1, -1};
    }
  }

  static String groupOf(String threadName) {
    for (Group g : GROUPS) {
      if (g.owns().test(threadName)) {
        return g.name();
      }
    }
    return REST;
  }

  /**
   * CPU nanoseconds per group between two snapshots, JIT and the rest included, in report order. A thread
   * that started in between counts from zero; one that ended in between is lost to "the rest".
   */
  static Map<String, Long> between(Snapshot before, Snapshot after) {
    Map<String, Long> out = new LinkedHashMap<>();
    GROUPS.forEach(g -> out.put(g.name(), 0L));
    long named = 0;
    for (var e : after.byThread().entrySet()) {
      long spent = e.getValue() - before.byThread().getOrDefault(e.getKey(), 0L);
      String g = after.group().get(e.getKey());
      if (!g.equals(REST)) {
        out.merge(g, spent, Long::sum);
        named += spent;
      }
    }
    long jit = before.jitNanos() < 0 ? 0 : Math.max(0, after.jitNanos() - before.jitNanos());
    long gc = before.gcNanos() < 0 ? 0 : Math.max(0, after.gcNanos() - before.gcNanos());
    out.put(JIT, jit);
    out.put(GC, gc);
    out.put(REST, Math.max(0, after.process() - before.process() - named - jit - gc));
    return out;
  }

  /** All the CPU nanoseconds in {@code spent} ({@link #between}), but those of the {@code excluded} groups. */
  static long totalWithout(Map<String, Long> spent, String... excluded) {
    long total = 0;
    for (var e : spent.entrySet()) {
      if (!List.of(excluded).contains(e.getKey())) {
        total += e.getValue();
      }
    }
    return total;
  }

  /**
   * The JIT's share of this process's CPU between two snapshots, as the CPU table shows it; NaN when it is not
   * known (the compiler threads' times could not be read from /proc, or no CPU was spent).
   */
  static double jitShare(Snapshot before, Snapshot after) {
    if (before.jitNanos() < 0 || after.jitNanos() < 0) {
      return Double.NaN;
    }
    Map<String, Long> spent = between(before, after);
    long total = totalWithout(spent);
    return total <= 0 ? Double.NaN : (double) spent.get(JIT) / total;
  }
}
