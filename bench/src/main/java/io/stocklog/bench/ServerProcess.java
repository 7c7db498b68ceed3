package io.stocklog.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server the harness starts as a child process on loopback (an extra Redis, etcd), stopped on close;
 * its output goes to a log file in its own temporary directory, named in any failure.
 */
final class ServerProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path dir;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServerProcess(String name, Process process, Path dir) {
    this.name = name;
    this.process = process;
    this.dir = dir;
  }

  /** Starts {@code command} (with {@code {dir}} replaced by a fresh directory) and waits for {@code port}. */
  static ServerProcess start(String name, List<String> command, int port) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("bench-" + name + "-");
    List<String> cmd = command.stream().map(a -> a.replace("{dir}", dir.toString())).toList();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile()).start();
    ServerProcess server = new ServerProcess(name, p, dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(name + " exited with " + p.exitValue() + "; see " + dir.resolve("server.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    server.close();
    throw new IOException(name + " did not listen on port " + port + " in 20 s; see " + dir.resolve("server.log"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", " + dir + ")";
  }
}
