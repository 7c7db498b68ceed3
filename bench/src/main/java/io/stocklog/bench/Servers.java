package io.stocklog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers the baselines need beyond the local Postgres and Redis, started once on loopback on first
 * use and stopped on close: three extra Redis servers for Redlock, a Redis that fsyncs every write
 * ({@code appendfsync always}), an in-process ZooKeeper (Curator's {@link TestingServer}) and etcd (Debian's
 * {@code etcd-server}, as a child process). A server that cannot start is remembered with its reason, and its
 * contender is skipped with that reason.
 */
final class Servers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Servers.class);

  private List<Integer> redlockPorts;
  private String redlockProblem;
  private Integer fsyncPort;
  private String fsyncProblem;
  private String zookeeper;
  private String zookeeperProblem;
  private String etcd;
  private String etcdProblem;
  private TestingServer zk;
  private final List<ServerProcess> processes = new ArrayList<>();

  /** Ports of three fresh Redis servers; throws with the reason if they cannot start. */
  synchronized List<Integer> redlock() {
    if (redlockPorts == null && redlockProblem == null) {
      redlockProblem = InstallServers.ensure("redis-server", "redis-server");
      if (redlockProblem == null) {
        try {
          List<Integer> ports = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            int port = ServerProcess.freePort();
            processes.add(ServerProcess.start("redis-" + port, List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", "{dir}"), port));
            ports.add(port);
          }
          redlockPorts = ports;
          log.info("Redlock servers on ports {}", ports);
        } catch (Exception e) {
          redlockProblem = "cannot start three redis-server processes: " + e.getMessage();
        }
      }
    }
    if (redlockProblem != null) {
      throw new Skip(redlockProblem);
    }
    return redlockPorts;
  }

  /**
   * The port of a Redis server of its own with an append-only file fsynced before every answer
   * ({@code --appendonly yes --appendfsync always}) in a fresh temporary directory; throws with the reason if it
   * cannot start. The directory is under {@code java.io.tmpdir}: on a RAM file system (tmpfs) an fsync would
   * cost nothing, so there it refuses to run rather than give a figure that only looks durable.
   */
  synchronized int redisFsync() {
    if (fsyncPort == null && fsyncProblem == null) {
      fsyncProblem = InstallServers.ensure("redis-server", "redis-server");
      if (fsyncProblem == null) {
        try {
          String fs = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir"))).type();
          if (fs.equals("tmpfs") || fs.equals("ramfs")) {
            fsyncProblem = "java.io.tmpdir is on " + fs + ", where fsync costs nothing; point -Djava.io.tmpdir at a disk";
          } else {
            int port = ServerProcess.freePort();
            // No RDB snapshots: the append-only file is the persistence measured. Everything else as Redis ships.
            processes.add(ServerProcess.start("redis-fsync-" + port, List.of("redis-server", "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                "--appendfsync", "always", "--dir", "{dir}"), port));
            fsyncPort = port;
            log.info("Redis with appendfsync always on port {} ({} file system)", port, fs);
          }
        } catch (Exception e) {
          fsyncProblem = "cannot start redis-server with appendfsync always: " + e.getMessage();
        }
      }
    }
    if (fsyncProblem != null) {
      throw new Skip(fsyncProblem);
    }
    return fsyncPort;
  }

  synchronized String zookeeper() {
    if (zookeeper == null && zookeeperProblem == null) {
      try {
        zk = new TestingServer(true);
        zookeeper = zk.getConnectString();
        log.info("ZooKeeper (in-process) at {}", zookeeper);
      } catch (Exception e) {
        zookeeperProblem = "cannot start an in-process ZooKeeper: " + e;
      }
    }
    if (zookeeperProblem != null) {
      throw new Skip(zookeeperProblem);
    }
    return zookeeper;
  }

  synchronized String etcd() {
    if (etcd == null && etcdProblem == null) {
      etcdProblem = InstallServers.ensure("etcd", "etcd-server");
      if (etcdProblem == null) {
        try {
          int client = ServerProcess.freePort();
          int peer = ServerProcess.freePort();
          String c = "http://127.0.0.1:" + client;
          String p = "http://127.0.0.1:" + peer;
          processes.add(ServerProcess.start("etcd", List.of("etcd", "--name", "bench", "--data-dir", "{dir}/data",
              "--listen-client-urls", c, "--advertise-client-urls", c, "--listen-peer-urls", p,
              "--initial-advertise-peer-urls", p, "--initial-cluster", "bench=" + p), client));
          etcd = c;
          log.info("etcd at {}", etcd);
        } catch (Exception e) {
          etcdProblem = "cannot start etcd: " + e.getMessage();
        }
      }
    }
    if (etcdProblem != null) {
      throw new Skip(etcdProblem);
    }
    return etcd;
  }

  @Override
  public synchronized void close() {
    for (ServerProcess p : processes) {
      p.close();
    }
    processes.clear();
    if (zk != null) {
      try {
        zk.close();
      } catch (Exception e) {
        log.warn("stopping ZooKeeper failed: {}", e.toString());
      }
      zk = null;
    }
  }

  /** A contender that cannot run here, and why. */
  static final class Skip extends RuntimeException {
    Skip(String reason) {
      super(reason);
    }
  }
}
