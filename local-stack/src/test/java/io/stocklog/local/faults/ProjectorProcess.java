package io.stocklog.local.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The projector process ({@code io.stocklog.projector.Main}, exactly as a container runs it) in a JVM of its
 * own, on this test JVM's class path and with a stack's environment, so that a test can kill it the way a
 * crash does: {@link #kill()} is SIGKILL, with no shutdown hook, no Streams close, no leaving the group.
 */
final class ProjectorProcess implements AutoCloseable {

  private final Process process;
  private final int httpPort;
  private final Path log;

  private ProjectorProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  static ProjectorProcess start(Map<String, String> environment, String name) {
    int port = freePort();
    Path log = Path.of("target", name + ".log");
    Map<String, String> env = new HashMap<>(environment);
    env.put("HTTP_PORT", Integer.toString(port));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
        // C1 only: a shorter warm-up on a two-core machine shared with the test JVM; same code, same behaviour.
        "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.stocklog.projector.Main")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      return new ProjectorProcess(builder.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the projector process", e);
    }
  }

  String url() {
    return "http://localhost:" + httpPort;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until its {@code /ready} says 200; returns how long that took. */
  long awaitReady(CommandClient client, Duration max) throws InterruptedException {
    long started = System.nanoTime();
    while (System.nanoTime() - started < max.toNanos()) {
      if (!process.isAlive()) {
        throw new AssertionError("the projector process exited with " + process.exitValue() + "; " + tail());
      }
      if (client.get(url() + "/ready").status() == 200) {
        return (System.nanoTime() - started) / 1_000_000;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the projector process was not ready within " + max + "; " + tail());
  }

  /** SIGKILL: the process dies at once, mid-transaction, without running a line more. Returns its exit code. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the projector process survived SIGKILL for 30 s");
    }
    return process.exitValue();
  }

  /** The last lines of its output, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return "last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGTERM, so it closes cleanly; SIGKILL if it has not stopped after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Prints the output tail of each process given (a null one is skipped): what a failing kill test shows. */
  static void printTails(ProjectorProcess... processes) {
    for (ProjectorProcess p : processes) {
      if (p != null) {
        System.out.println(p.tail());
      }
    }
  }

  /** Closes each process given (a null one is skipped). */
  static void closeAll(ProjectorProcess... processes) throws InterruptedException {
    for (ProjectorProcess p : processes) {
      if (p != null) {
        p.close();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
