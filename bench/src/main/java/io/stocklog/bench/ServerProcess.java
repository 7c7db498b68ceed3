package io.stocklog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server the harness starts as a child process on loopback (an extra Redis, etcd), stopped on close and its
 * temporary directory (data, append-only files, its log) deleted; if it fails to start, it is stopped and the
 * directory kept, since the failure names the log in it.
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
    server.stop();
    throw new IOException(name + " did not listen on port " + port + " in 20 s; see " + dir.resolve("server.log"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the server and deletes its directory: what it wrote there was only for this run. */
  @Override
  public void close() {
    stop();
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory is untidy, not wrong.
    }
  }

  private void stop() {
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
