package io.stocklog.verify;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Folds records of several partitions with decoding run ahead on a few threads: decoding JSON costs about as
 * much as deciding, and needs no state, so it runs in parallel while the calling thread decides, in log order,
 * what was decoded before. The listener is called on the calling thread only.
 */
public final class FoldPipeline implements AutoCloseable {

  /** Records decoded per task: large enough to amortise the hand-off, small enough to spread a poll. */
  private static final int CHUNK = 1_000;

  /** One record as read: where it is and its bytes. */
  public record Raw(int partition, long offset, byte[] key, byte[] value) {}

  private record Chunk(List<Raw> raw, PartitionFold.Decoded[] decoded) {}

  private final Map<Integer, ? extends PartitionFold<?>> folds;
  private final int maxEventBytes;
  private final ReplayListener listener;
  private final ExecutorService decoders;
  private final int maxPending;
  private final Deque<CompletableFuture<Chunk>> pending = new ArrayDeque<>();

  /**
   * @param folds the fold of every partition a record may come from
   * @param maxEventBytes the largest record decided, as the folds' ({@link PartitionFold#maxEventBytes})
   * @param threads decoding threads; 0 decodes on the calling thread
   */
  public FoldPipeline(Map<Integer, ? extends PartitionFold<?>> folds, int maxEventBytes, ReplayListener listener, int threads) {
    this.folds = folds;
    this.listener = listener;
    this.maxEventBytes = maxEventBytes;
    AtomicInteger n = new AtomicInteger();
    this.decoders = threads == 0 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "stocklog-replay-decode-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.maxPending = Math.max(2, threads * 4);
  }

  /** Decodes {@code records} (in log order per partition) ahead, folding older records meanwhile. */
  public void submit(List<Raw> records) {
    for (int from = 0; from < records.size(); from += CHUNK) {
      List<Raw> slice = records.subList(from, Math.min(records.size(), from + CHUNK));
      if (decoders == null) {
        fold(decode(slice));
        continue;
      }
      pending.addLast(CompletableFuture.supplyAsync(() -> decode(slice), decoders));
      while (pending.size() > maxPending) {
        fold(join(pending.removeFirst()));
      }
    }
  }

  /** Folds everything submitted. */
  public void finish() {
    while (!pending.isEmpty()) {
      fold(join(pending.removeFirst()));
    }
  }

  private Chunk decode(List<Raw> raw) {
    PartitionFold.Decoded[] decoded = new PartitionFold.Decoded[raw.size()];
    for (int i = 0; i < decoded.length; i++) {
      Raw r = raw.get(i);
      decoded[i] = PartitionFold.decode(r.key(), r.value(), maxEventBytes);
    }
    return new Chunk(raw, decoded);
  }

  private void fold(Chunk chunk) {
    for (int i = 0; i < chunk.decoded().length; i++) {
      Raw r = chunk.raw().get(i);
      folds.get(r.partition()).apply(r.offset(), chunk.decoded()[i], listener);
    }
  }

  private static Chunk join(CompletableFuture<Chunk> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    if (decoders != null) {
      pending.forEach(f -> f.cancel(false));
      decoders.shutdownNow();
    }
  }
}
