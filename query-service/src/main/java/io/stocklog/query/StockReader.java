package io.stocklog.query;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.AppliedRead;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.OrderRow;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReservationRow;
import io.stocklog.readmodel.SkuRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the read model with read-your-writes. Given a position token and a wait, it first waits, holding no
 * connection and sending no statement, until the {@link PositionWaiters} hear from the instance's one watcher
 * that the position was applied (or the wait runs out); then it reads in one statement, which returns the rows
 * with the applied positions of the partitions they belong to, from the same snapshot. Whether the answer is
 * behind the token is decided from that statement, not from the watcher, so an answer never says "behind" of a
 * position its own rows include.
 *
 * <p>Every SKU row read is offered to the {@link SkuViews}, which keep it for tag checks and streams.
 */
public final class StockReader {

  private final ReadModelQueries queries;
  private final SkuPartitioner partitioner;
  private final PositionWaiters waiters;
  private final SkuViews views;

  StockReader(ReadModelQueries queries, SkuPartitioner partitioner, PositionWaiters waiters, SkuViews views) {
    this.queries = queries;
    this.partitioner = partitioner;
    this.waiters = waiters;
    this.views = views;
  }

  /** Partitions of the events topic: a position token names one of 0 to {@code partitions() - 1}. */
  public int partitions() {
    return partitioner.partitions();
  }

  int partitionOf(String sku) {
    return partitioner.partitionOf(sku);
  }

  public Reading<Optional<SkuRow>> sku(String sku, Position min, Duration wait) {
    awaitApplied(min, wait);
    int own = partitioner.partitionOf(sku);
    int partition = min != null ? min.partition() : own;
    AppliedRead<Optional<SkuRow>> read = queries.sku(sku, partition);
    if (partition == own) {
      read.value().ifPresent(row -> read.appliedOf(own).ifPresent(p -> views.offer(row, p.appliedOffset())));
    }
    return reading(read, Set.of(partition), min);
  }

  public Reading<List<SkuRow>> skus(Collection<String> skus, Position min, Duration wait) {
    awaitApplied(min, wait);
    Set<Integer> partitions = new TreeSet<>();
    skus.forEach(sku -> partitions.add(partitioner.partitionOf(sku)));
    if (min != null) {
      partitions.add(min.partition());
    }
    AppliedRead<List<SkuRow>> read = queries.skus(skus, partitions);
    for (SkuRow row : read.value()) {
      read.appliedOf(partitioner.partitionOf(row.sku())).ifPresent(p -> views.offer(row, p.appliedOffset()));
    }
    return reading(read, partitions, min);
  }

  public Reading<Optional<ReservationRow>> reservation(String sku, String orderId, Position min, Duration wait) {
    awaitApplied(min, wait);
    int partition = min != null ? min.partition() : partitioner.partitionOf(sku);
    return reading(queries.reservation(sku, orderId, partition), Set.of(partition), min);
  }

  /**
   * An order of several lines. Its outcomes are in the order's own events partition (Kafka's default partitioner of
   * its order ID, as for a SKU), whose applied position the answer reports unless {@code min} names another.
   */
  public Reading<Optional<OrderRow>> order(String orderId, Position min, Duration wait) {
    awaitApplied(min, wait);
    int partition = min != null ? min.partition() : partitioner.partitionOf(orderId);
    return reading(queries.order(orderId, partition), Set.of(partition), min);
  }

  private void awaitApplied(Position min, Duration wait) {
    if (min != null) {
      waiters.await(min, wait);
    }
  }

  private static <T> Reading<T> reading(AppliedRead<T> read, Set<Integer> partitions, Position min) {
    boolean behind = min != null && read.appliedOf(min.partition()).map(p -> !p.satisfies(min)).orElse(true);
    return new Reading<>(read.value(), freshness(read, partitions, behind));
  }

  private static Freshness freshness(AppliedRead<?> read, Set<Integer> partitions, boolean behind) {
    List<String> tokens = new ArrayList<>();
    Long age = null;
    for (int partition : partitions) {
      Optional<PartitionPosition> p = read.appliedOf(partition);
      if (p.isEmpty()) {
        continue;
      }
      p.get().position().ifPresent(position -> tokens.add(position.token()));
      age = age == null ? p.get().ageMs() : Math.max(age, p.get().ageMs());
    }
    return new Freshness(tokens.isEmpty() ? null : String.join(",", tokens), age, behind);
  }
}
