package io.stocklog.query;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReservationRow;
import io.stocklog.readmodel.SkuRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the read model with read-your-writes: given a position token, it first waits (up to a limit) for
 * the sink to have applied that position, polling {@code applied_position} every {@value #POLL_MS} ms
 * and holding no connection in between, then reads. The applied position is read before the rows, so
 * the rows are at least as new as the position the answer reports.
 */
public final class StockReader {

  static final long POLL_MS = 20;

  private final ReadModelQueries queries;
  private final SkuPartitioner partitioner;

  public StockReader(ReadModelQueries queries, SkuPartitioner partitioner) {
    this.queries = queries;
    this.partitioner = partitioner;
  }

  /** Partitions of the events topic: a position token names one of 0 to {@code partitions() - 1}. */
  public int partitions() {
    return partitioner.partitions();
  }

  public Reading<Optional<SkuRow>> sku(String sku, Position min, Duration wait) {
    return read(Set.of(partition(sku, min)), min, wait, () -> queries.sku(sku));
  }

  public Reading<List<SkuRow>> skus(Collection<String> skus, Position min, Duration wait) {
    Set<Integer> partitions = skus.stream().map(partitioner::partitionOf).collect(Collectors.toCollection(TreeSet::new));
    if (min != null) {
      partitions.add(min.partition());
    }
    return read(partitions, min, wait, () -> queries.skus(skus));
  }

  public Reading<Optional<ReservationRow>> reservation(String sku, String orderId, Position min, Duration wait) {
    return read(Set.of(partition(sku, min)), min, wait, () -> queries.reservation(sku, orderId));
  }

  /** The token's partition when one is given (that is where the caller's write went), else the SKU's. */
  private int partition(String sku, Position min) {
    return min != null ? min.partition() : partitioner.partitionOf(sku);
  }

  private <T> Reading<T> read(Set<Integer> partitions, Position min, Duration wait, Supplier<T> rows) {
    boolean behind = min != null && !awaitApplied(min, wait);
    Map<Integer, PartitionPosition> positions = queries.appliedPositions().stream()
        .filter(p -> partitions.contains(p.partition()))
        .collect(Collectors.toMap(PartitionPosition::partition, Function.identity()));
    T value = rows.get();
    return new Reading<>(value, freshness(partitions, positions, behind));
  }

  /** Whether {@code min} was applied within {@code wait}. */
  private boolean awaitApplied(Position min, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<PartitionPosition> applied = queries.appliedPosition(min.partition());
      if (applied.isPresent() && applied.get().satisfies(min)) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Math.min(POLL_MS, Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static Freshness freshness(Set<Integer> partitions, Map<Integer, PartitionPosition> positions,
      boolean behind) {
    List<String> tokens = new ArrayList<>();
    Long age = null;
    for (int partition : partitions) {
      PartitionPosition p = positions.get(partition);
      if (p == null) {
        continue;
      }
      p.position().ifPresent(position -> tokens.add(position.token()));
      age = age == null ? p.ageMs() : Math.max(age, p.ageMs());
    }
    return new Freshness(tokens.isEmpty() ? null : String.join(",", tokens), age, behind);
  }
}
