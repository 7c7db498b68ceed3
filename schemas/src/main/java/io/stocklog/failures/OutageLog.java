package io.stocklog.failures;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The log of a dependency's outage as a loop that retries sees it: one WARN line when a run of failures starts,
 * one INFO line when the next attempt succeeds (with how many failed in between), nothing for the retries
 * between. A broker or database away for ten minutes costs two lines, not one per attempt, and the two lines
 * still say when it went and when it came back. Thread-safe; {@link #succeeded} costs one volatile read while
 * nothing is failing, so it can sit on a hot path.
 */
public final class OutageLog {

  private final Logger log;
  private final String what;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param log where the two lines go
   * @param what what fails, as the start of a sentence: "appending to inventory.events"
   */
  public OutageLog(Logger log, String what) {
    this.log = Objects.requireNonNull(log, "log");
    this.what = Objects.requireNonNull(what, "what");
  }

  /** An attempt failed: logged if it is the first of a run. */
  public void failed(Throwable cause) {
    failures.incrementAndGet();
    if (failing.compareAndSet(false, true)) {
      log.warn("{} failed: {}; retrying, and saying so once more when it works again", what, cause.toString());
    }
  }

  /** An attempt succeeded: logged if it ends a run of failures. */
  public void succeeded() {
    if (failing.get() && failing.compareAndSet(true, false)) {
      log.info("{} works again after {} failed attempt(s)", what, failures.getAndSet(0));
    }
  }

  /** Whether the last attempt failed. */
  public boolean failing() {
    return failing.get();
  }
}
