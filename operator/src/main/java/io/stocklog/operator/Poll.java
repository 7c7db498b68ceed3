package io.stocklog.operator;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition on the live services, asking every {@code every}, for {@code timeout} at most. */
record Poll(Duration timeout, Duration every) {

  /** How often the CLI asks: Kafka's admin calls and the catalog's reads take milliseconds. */
  static final Duration EVERY = Duration.ofMillis(100);

  Poll(Duration timeout) {
    this(timeout, EVERY);
  }

  /**
   * Returns once {@code done} holds.
   *
   * @throws IllegalStateException after {@link #timeout}, naming {@code what} it waited for; or when interrupted
   */
  void until(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting " + timeout.toSeconds() + " s for " + what);
      }
      sleep(every.toMillis());
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
