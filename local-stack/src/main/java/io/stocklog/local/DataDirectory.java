package io.stocklog.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the durable local stack keeps what must outlive it: the broker's log ({@code kafka/}), the projector's
 * state ({@code projector/}) and {@code stack.properties}, which names the read model's database and the
 * identity the database carries too, so that a log and a read model of different histories are never served
 * together. Held under a lock for the life of the stack: a second stack on the same directory is refused.
 *
 * <p>{@link #clear()} deletes only those three entries, never anything else in the directory, so pointing
 * {@code STOCKLOG_DATA_DIR} at a directory that holds other files and starting empty cannot delete them.
 */
final class DataDirectory implements AutoCloseable {

  static final String KAFKA = "kafka";
  static final String PROJECTOR = "projector";
  static final String IDENTITY = "stack.properties";
  private static final String LOCK = ".lock";

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates {@code root} if needed and locks it.
   *
   * @throws IllegalStateException if another process (or stack) holds it, or it cannot be created
   */
  static DataDirectory open(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    FileChannel channel = null;
    try {
      Files.createDirectories(absolute);
      channel = FileChannel.open(absolute.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IllegalStateException(inUse(absolute));
      }
      return new DataDirectory(absolute, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new IllegalStateException(inUse(absolute), e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot use the data directory " + absolute + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static String inUse(Path root) {
    return "the data directory " + root + " is in use by another local stack; stop it first, or give this one "
        + "another directory (STOCKLOG_DATA_DIR or --data-dir)";
  }

  Path root() {
    return root;
  }

  Path kafka() {
    return root.resolve(KAFKA);
  }

  Path projectorState() {
    return root.resolve(PROJECTOR);
  }

  /** Whether a broker's log is here already (an earlier start formatted it). */
  boolean holdsLog() {
    return Files.exists(kafka().resolve("meta.properties"));
  }

  /** What an earlier start wrote in {@value #IDENTITY}, if any: the stack's ID and its database. */
  Optional<Identity> identity() {
    Path file = root.resolve(IDENTITY);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String id = p.getProperty("stack");
    String database = p.getProperty("database");
    if (id == null || database == null) {
      throw new IllegalStateException(file + " names no stack or database; it was not written by the local stack "
          + "(start with --fresh to start empty)");
    }
    return Optional.of(new Identity(id, database));
  }

  /** Records {@code identity} as this directory's: written last when a stack starts empty. */
  void write(Identity identity) {
    Properties p = new Properties();
    p.setProperty("stack", identity.id());
    p.setProperty("database", identity.database());
    Path file = root.resolve(IDENTITY);
    Path temporary = root.resolve(IDENTITY + ".new");
    try (Writer out = Files.newBufferedWriter(temporary)) {
      p.store(out, "The local stack's identity: its database carries the same (COMMENT ON DATABASE). Do not edit.");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + temporary, e);
    }
    try {
      Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Deletes the broker's log, the projector's state and the identity; nothing else in the directory. */
  void clear() {
    for (String entry : new String[] {KAFKA, PROJECTOR, IDENTITY}) {
      deleteRecursively(root.resolve(entry));
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
          if (failure != null && !(failure instanceof NoSuchFileException)) {
            throw failure;
          }
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  /** Releases the lock. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      // The channel's close below releases it too.
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing held on it is worth reporting: the lock goes with the channel.
      }
    }
  }

  /** Who a data directory belongs to: the stack's ID, carried by its database as well, and that database. */
  record Identity(String id, String database) {

    /** A new stack's identity, not yet written anywhere. */
    static Identity fresh(String database) {
      return new Identity(UUID.randomUUID().toString(), database);
    }

    /** What the database's comment says when it belongs to this stack. */
    String comment() {
      return "stocklog local stack " + id;
    }
  }
}
