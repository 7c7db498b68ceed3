package io.stocklog.operator;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar: events folded, percent, events per second, time left. On a terminal it redraws
 * in place; otherwise (a log, a pipe) it prints a line every {@value #PLAIN_EVERY_MS} ms.
 */
final class ProgressBar {

  private static final int WIDTH = 30;
  static final long PLAIN_EVERY_MS = 5_000;

  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final long base;
  private long lastPlain;
  private double rate;

  /** {@code base}: events already folded when the bar starts (a resumed projector), not counted in the rate. */
  ProgressBar(PrintStream out, boolean terminal, long base) {
    this.out = out;
    this.terminal = terminal;
    this.base = base;
  }

  void show(String what, long done, long total) {
    long elapsedMs = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
    rate = (done - base) * 1000.0 / elapsedMs;
    long now = System.currentTimeMillis();
    if (!terminal && now - lastPlain < PLAIN_EVERY_MS) {
      return;
    }
    lastPlain = now;
    String line = line(what, done, total, rate);
    if (terminal) {
      out.print("\r" + line);
    } else {
      out.println(line);
    }
    out.flush();
  }

  void finish(String what, long done, long total) {
    long elapsedMs = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
    rate = (done - base) * 1000.0 / elapsedMs;
    String line = line(what, done, total, rate);
    out.println(terminal ? "\r" + line : line);
    out.flush();
  }

  /** Events per second over the whole run so far. */
  double rate() {
    return rate;
  }

  static String line(String what, long done, long total, double rate) {
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    String eta = rate <= 0 ? "?" : format(Duration.ofMillis((long) (Math.max(0, total - done) * 1000 / rate)));
    return String.format("%s [%s%s] %5.1f%%  %,d/%,d events  %,.0f events/s  %s left", what, "#".repeat(filled),
        ".".repeat(WIDTH - filled), fraction * 100, done, total, rate, eta);
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
