package io.stocklog.local.faults;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The run flags of loops a fault test starts on threads of its own (load, readers, probes), all switched off
 * after each test, even one that fails half-way. Register with {@code @RegisterExtension}.
 */
final class BackgroundLoops implements AfterEachCallback {

  private final List<AtomicBoolean> running = new CopyOnWriteArrayList<>();

  /** A new flag, set: the loop runs while it is. */
  AtomicBoolean start() {
    AtomicBoolean flag = new AtomicBoolean(true);
    running.add(flag);
    return flag;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    running.forEach(flag -> flag.set(false));
    running.clear();
  }
}
