package io.stocklog.projector;

import io.stocklog.inventory.Timer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's deadline index saved in its state directory when the task closes cleanly, so that the next task on
 * the same state can use it instead of scanning every reservation (about a second for a million state entries,
 * before the task's first decision: at a handoff, a second nobody decides).
 *
 * <p>The index is a function of the stores; what proves that a saved one is the index of the stores a task
 * opens is the position: it was saved with the offset after the last record folded, and it is used only if the
 * task's first record is at exactly that offset. With exactly-once, the stores restored at a committed offset
 * hold the state of the log up to it, and another instance that folded past it would have committed past it;
 * one that folded nothing changed nothing. Anything else (another first offset, a punctuation before any record,
 * an unreadable file) and the task builds the index from its stores, as it always did. A snapshot is read once:
 * reading deletes it.
 */
final class DeadlineIndexSnapshot {

  private static final Logger log = LoggerFactory.getLogger(DeadlineIndexSnapshot.class);
  static final String FILE = "stocklog-deadline-index.snapshot";
  private static final int MAGIC = 0x534c4449; // "SLDI"
  private static final int VERSION = 1;

  /** A saved index: the offset of the record the task would have folded next, and the timers. */
  record Saved(long nextOffset, NavigableSet<Timer> timers) {}

  private DeadlineIndexSnapshot() {}

  /** Saves {@code timers} as the index of the stores after folding up to {@code nextOffset} (exclusive). */
  static void write(Path taskDir, long nextOffset, NavigableSet<Timer> timers) {
    Path file = taskDir.resolve(FILE);
    Path tmp = taskDir.resolve(FILE + ".tmp");
    long started = System.nanoTime();
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(nextOffset);
      out.writeInt(timers.size());
      for (Timer t : timers) {
        out.writeLong(t.at());
        out.writeByte(t.kind().ordinal());
        out.writeUTF(t.sku());
        out.writeUTF(t.id());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not save the deadline index in {} (the next start scans the stores): {}", taskDir, e.toString());
      deleteQuietly(tmp);
      return;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.debug("deadline index of {} timers saved at offset {} in {} ms", timers.size(), nextOffset,
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException e) {
      log.warn("could not save the deadline index in {}: {}", taskDir, e.toString());
      deleteQuietly(tmp);
    }
  }

  /** Snapshots being read ahead of their tasks' start, by task directory (see {@link #readAhead}). */
  private static final java.util.Map<Path, java.util.concurrent.CompletableFuture<Optional<Saved>>> AHEAD =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Starts reading, on a thread of its own, the snapshots in the task directories under {@code appStateDir}, so
   * that a prepared decider's tasks, which start when it is promoted (while nobody decides), find them read: a
   * million timers take about 0.4 s to read.
   */
  static void readAhead(Path appStateDir) {
    if (!Files.isDirectory(appStateDir)) {
      return;
    }
    try (java.util.stream.Stream<Path> dirs = Files.list(appStateDir)) {
      // A newer file replaces what an earlier read ahead left untaken (a handoff that did not happen).
      dirs.filter(d -> Files.exists(d.resolve(FILE))).map(Path::toAbsolutePath).forEach(d -> AHEAD.put(d,
          java.util.concurrent.CompletableFuture.supplyAsync(() -> read(d))));
    } catch (IOException e) {
      log.debug("cannot list {}: {}", appStateDir, e.toString());
    }
  }

  /**
   * The index saved in {@code taskDir}, if there is a readable one (read ahead, or read now); the file is deleted
   * either way.
   */
  static Optional<Saved> take(Path taskDir) {
    java.util.concurrent.CompletableFuture<Optional<Saved>> ahead = AHEAD.remove(taskDir.toAbsolutePath());
    if (ahead != null) {
      return ahead.join();
    }
    return read(taskDir);
  }

  private static Optional<Saved> read(Path taskDir) {
    Path file = taskDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return Optional.empty();
      }
      long nextOffset = in.readLong();
      int n = in.readInt();
      Timer.Kind[] kinds = Timer.Kind.values();
      NavigableSet<Timer> timers = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        long at = in.readLong();
        Timer.Kind kind = kinds[in.readByte()];
        timers.add(new Timer(at, kind, in.readUTF(), in.readUTF()));
      }
      return Optional.of(new Saved(nextOffset, timers));
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring an unreadable deadline index in {}: {}", taskDir, e.toString());
      return Optional.empty();
    } finally {
      deleteQuietly(file);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover is read at most once, and checked.
    }
  }
}
