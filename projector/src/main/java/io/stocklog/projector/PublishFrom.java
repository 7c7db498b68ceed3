package io.stocklog.projector;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per events partition, the first offset whose outputs (outcomes, dead letters, appends) a projector publishes: the
 * events before it are folded into its state, but the projector that decided before it published their outputs (a
 * handoff, see the operator CLI). Partitions not named publish all.
 *
 * <p>Known when the projector starts ({@link #of}), or set once later ({@link #later}): a decider prepared before a
 * handoff starts with its processing paused, its state open and its tasks assigned, and learns where to publish from
 * only when the previous decider has stopped; then it is resumed. A prepared decider that folded a record before that
 * would have lost that record's outputs, so asking before it is set is a bug, and throws.
 */
public final class PublishFrom {

  private static final PublishFrom ALL = new PublishFrom(Map.of());

  private final AtomicReference<Map<Integer, Long>> from;

  private PublishFrom(Map<Integer, Long> from) {
    this.from = new AtomicReference<>(from == null ? null : Map.copyOf(from));
  }

  /** Publishes partition p from offset {@code from.get(p)} on, and partitions not named from their start. */
  public static PublishFrom of(Map<Integer, Long> from) {
    return from.isEmpty() ? ALL : new PublishFrom(from);
  }

  /** Not known yet: {@link #set} once before the projector folds anything. */
  public static PublishFrom later() {
    return new PublishFrom(null);
  }

  /**
   * Sets where a {@link #later} one publishes from.
   *
   * @throws IllegalStateException if it was set already
   */
  public void set(Map<Integer, Long> offsets) {
    if (!from.compareAndSet(null, Map.copyOf(offsets))) {
      throw new IllegalStateException("where this projector publishes from is set already: " + from.get());
    }
  }

  /** Whether it is known yet. */
  public boolean known() {
    return from.get() != null;
  }

  /**
   * The first offset of {@code partition} whose outputs are published, or null for all of them.
   *
   * @throws IllegalStateException if it is not known yet (a prepared decider asked to fold: a bug)
   */
  public Long get(int partition) {
    Map<Integer, Long> m = from.get();
    if (m == null) {
      throw new IllegalStateException("a prepared decider was asked to fold before it was told where to publish "
          + "from: its outputs would be lost");
    }
    return m.get(partition);
  }

  /** The offsets by partition; empty when it publishes all, or is not known yet. */
  public Map<Integer, Long> offsets() {
    Map<Integer, Long> m = from.get();
    return m == null ? Map.of() : m;
  }

  @Override
  public String toString() {
    Map<Integer, Long> m = from.get();
    return m == null ? "(not yet known)" : m.isEmpty() ? "(all)" : m.toString();
  }
}
