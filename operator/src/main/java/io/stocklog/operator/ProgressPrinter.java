package io.stocklog.operator;

import java.io.PrintStream;

/** Draws a {@link ProgressBar} of a {@link FoldProgress} from a thread of its own while the caller folds. */
final class ProgressPrinter implements AutoCloseable {

  private final Thread thread;
  private final ProgressBar bar;
  private final FoldProgress progress;
  private final String what;
  private final long total;
  private volatile boolean running = true;

  /**
   * @param total the events to fold in all
   * @param base events already folded when this starts, not counted in the rate
   */
  ProgressPrinter(PrintStream out, boolean terminal, String what, FoldProgress progress, long total, long base) {
    this.what = what;
    this.progress = progress;
    this.total = total;
    this.bar = new ProgressBar(out, terminal, base);
    this.thread = Thread.ofPlatform().daemon().name("rebuild-progress").start(() -> {
      while (running) {
        bar.show(what, done(), total);
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private long done() {
    return progress.next().values().stream().mapToLong(x -> x).sum();
  }

  /** Stops drawing and prints the final line. */
  void finish() {
    close();
    bar.finish(what, done(), total);
  }

  /** Stops drawing; idempotent. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
