package io.stocklog.verify;

import io.stocklog.events.Event;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.FoldFailedException;
import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.topics.TopicSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The invariants, checked against a read model and the events log, reported as a list of violations
 * rather than thrown, so a fault test or a benchmark can print all of them.
 *
 * <ol>
 *   <li>The read model equals a fold of the log up to its positions ({@link ReadModelDiff}): every
 *       difference is a violation.
 *   <li>Every SKU row of the read model: {@code on_hand}, {@code reserved}, {@code available} not negative,
 *       {@code reserved <= on_hand}, {@code available = on_hand - reserved}, and {@code reserved} equal to the
 *       sum of the quantities of the SKU's HELD and PREPARED reservation rows (and no such rows without a SKU row).
 *   <li>The same of the fold's own state at the end of the log: each SKU's {@code reserved} is the sum of its
 *       HELD reservations.
 *   <li>A SKU's decided events are all in one partition (one serial writer per SKU): a copy outside its home
 *       partition is forwarded, not decided, so only its home copy counts.
 *   <li>Every ID in {@code acceptedEventIds} is the event ID of exactly one decided record of the whole log
 *       (a dead-lettered record does not count, nor a copy outside its home partition, which was forwarded home;
 *       the violation says where they were); skipped when empty.
 *   <li>No line of an order past {@code PENDING} disagrees with its order, in the fold of the whole log
 *       ({@link OrderAgreement}).
 * </ol>
 *
 * <p>The log is replayed with the projector's default retention and largest event size.
 */
public final class InvariantChecker {

  private static final int POSITIONS_LISTED = 5;

  private InvariantChecker() {}

  /**
   * Checks the invariants (see the class comment) against the read model in {@code schema} and the log.
   *
   * @param acceptedEventIds event IDs reported accepted to clients (each must be in the log exactly once);
   *     empty or null to skip that check
   * @throws IllegalArgumentException if {@code schema} is not a valid schema name
   * @throws IllegalStateException if the read model or the log cannot be read (nothing could be checked)
   */
  public static InvariantReport check(String bootstrapServers, TopicSettings topics, DataSource readModel, String schema,
      Collection<String> acceptedEventIds) {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(readModel, "readModel");
    ReadModelSnapshot.validSchema(schema);
    return check(LogReplay.of(bootstrapServers, topics.events()), readModel, schema,
        acceptedEventIds == null ? Set.of() : acceptedEventIds);
  }

  /** As {@link #check(String, TopicSettings, DataSource, String, Collection)}, with a replay of one's own settings. */
  public static InvariantReport check(LogReplay replay, DataSource readModel, String schema,
      Collection<String> acceptedEventIds) {
    ReadModelSnapshot snapshot = ReadModelSnapshot.read(readModel, schema);
    Map<Integer, Long> last = replay.lastOffsets();
    ReadModelDiff.Plan plan = ReadModelDiff.plan(snapshot.appliedOffsets(), last);
    Set<String> accepted = acceptedEventIds == null ? Set.of() : new HashSet<>(acceptedEventIds);
    // The diff needs the fold up to the read model's positions; the ID check and the orders' check need the whole
    // log. One pass folds through the log's end and keeps for the diff only the outcomes up to the positions: a
    // partition's outcomes up to an offset do not depend on what comes after it.
    Map<Integer, Long> through = last;
    Scan scan = new Scan(plan.through(), accepted);

    List<String> violations = new ArrayList<>();
    LogReplay.Result<InMemoryInventoryStore> result;
    try {
      result = replay.replay(through, scan);
    } catch (FoldFailedException e) {
      // No fold to compare with past this record; the read model's own rows can still be checked.
      violations.add(e.getMessage());
      readModelRows(snapshot, violations);
      return new InvariantReport(scan.events, snapshot.stock().size(), snapshot.reservations().size(), violations);
    }

    plan.problems().forEach(d -> violations.add("read model vs log: " + d.describe()));
    ReadModelDiff.differences(scan.expected, snapshot).forEach(d -> violations.add("read model vs log: " + d.describe()));
    readModelRows(snapshot, violations);
    foldState(result, violations);
    OrderAgreement.violations(result.folds().values()).forEach(v -> violations.add("fold " + v));
    new TreeMap<>(scan.partitionsPerSku).forEach((sku, partitions) -> {
      if (partitions.size() > 1) {
        violations.add("sku " + sku + ": events in partitions " + partitions + "; a SKU must have one partition");
      }
    });
    scan.acceptedIds(violations);

    Set<String> skus = new HashSet<>(snapshot.stock().keySet());
    skus.addAll(scan.expected.stock().keySet());
    Set<ReservationEntry.Key> reservations = new HashSet<>(snapshot.reservations().keySet());
    reservations.addAll(scan.expected.reservations().keySet());
    return new InvariantReport(result.events(), skus.size(), reservations.size(), violations);
  }

  /** Counters of every SKU row, and reserved against its rows that hold units: HELD, and an order's PREPARED line. */
  private static void readModelRows(ReadModelSnapshot snapshot, List<String> violations) {
    Map<String, Long> held = new TreeMap<>();
    for (ReservationEntry r : snapshot.reservations().values()) {
      if ("HELD".equals(r.status()) || "PREPARED".equals(r.status())) {
        held.merge(r.sku(), r.quantity(), Long::sum);
      }
    }
    for (StockEntry row : new TreeMap<>(snapshot.stock()).values()) {
      String sku = "read model sku " + row.sku() + ": ";
      negative(violations, sku, "on_hand", row.onHand());
      negative(violations, sku, "reserved", row.reserved());
      negative(violations, sku, "available", row.available());
      if (row.reserved() > row.onHand()) {
        violations.add(sku + "reserved " + row.reserved() + " exceeds on_hand " + row.onHand());
      }
      if (row.available() != row.onHand() - row.reserved()) {
        violations.add(sku + "available " + row.available() + " but on_hand - reserved = "
            + (row.onHand() - row.reserved()));
      }
      long sum = held.getOrDefault(row.sku(), 0L);
      if (row.reserved() != sum) {
        violations.add(sku + "reserved " + row.reserved() + " but HELD reservations sum to " + sum);
      }
    }
    held.forEach((sku, sum) -> {
      if (!snapshot.stock().containsKey(sku)) {
        violations.add("read model sku " + sku + ": no sku_stock row but HELD reservations sum to " + sum);
      }
    });
  }

  private static void negative(List<String> violations, String prefix, String column, long value) {
    if (value < 0) {
      violations.add(prefix + column + " " + value + " is negative");
    }
  }

  /** Each SKU's reserved in the fold's own state against the HELD reservations it remembers. */
  private static void foldState(LogReplay.Result<InMemoryInventoryStore> result, List<String> violations) {
    for (PartitionFold<InMemoryInventoryStore> fold : result.folds().values()) {
      Map<String, Long> held = new HashMap<>();
      for (Reservation r : fold.state().reservations()) {
        // Live: held, or an order's line prepared to be confirmed, which holds its units too.
        if (r.status().live()) {
          held.merge(r.sku(), r.quantity(), Long::sum);
        }
      }
      Map<String, StockLevel> levels = new TreeMap<>(fold.state().stockLevels());
      for (StockLevel level : levels.values()) {
        long sum = held.getOrDefault(level.sku(), 0L);
        if (level.reserved() != sum || level.reserved() < 0 || level.reserved() > level.onHand()) {
          violations.add("fold sku " + level.sku() + " (partition " + fold.partition() + "): on_hand "
              + level.onHand() + ", reserved " + level.reserved() + " but HELD reservations sum to " + sum);
        }
      }
      new TreeMap<>(held).forEach((sku, sum) -> {
        if (!levels.containsKey(sku)) {
          violations.add("fold sku " + sku + " (partition " + fold.partition()
              + "): no stock but HELD reservations sum to " + sum);
        }
      });
    }
  }

  /** What one pass over the log collects: the expected rows up to the read model's positions, and event IDs. */
  private static final class Scan implements ReplayListener {
    final ExpectedReadModel expected = new ExpectedReadModel();
    final Map<String, Set<Integer>> partitionsPerSku = new HashMap<>();
    private final Map<Integer, Long> diffThrough;
    private final Map<String, List<Position>> seen = new HashMap<>();
    private final Map<String, List<String>> deadLettered = new HashMap<>();
    private final Map<String, List<String>> forwarded = new HashMap<>();
    long events;

    Scan(Map<Integer, Long> diffThrough, Set<String> accepted) {
      this.diffThrough = diffThrough;
      accepted.forEach(id -> seen.put(id, new ArrayList<>(1)));
    }

    @Override
    public void outcome(Position at, Outcome outcome) {
      if (at.offset() <= diffThrough.getOrDefault(at.partition(), -1L)) {
        expected.apply(at, outcome);
      }
    }

    @Override
    public void order(Position at, OrderOutcome outcome) {
      if (at.offset() <= diffThrough.getOrDefault(at.partition(), -1L)) {
        expected.apply(at, outcome);
      }
    }

    @Override
    public void event(Position at, Event event) {
      events++;
      List<Position> positions = seen.get(event.eventId());
      if (positions != null) {
        positions.add(at);
      }
      if (event instanceof SkuEvent e) {
        Set<Integer> partitions = partitionsPerSku.get(e.sku());
        if (partitions == null) {
          partitionsPerSku.put(e.sku(), new TreeSet<>(Set.of(at.partition())));
        } else if (!partitions.contains(at.partition())) {
          partitions.add(at.partition());
        }
      }
    }

    @Override
    public void deadLetter(Position at, String error, String eventId) {
      if (eventId != null && seen.containsKey(eventId)) {
        deadLettered.computeIfAbsent(eventId, k -> new ArrayList<>()).add(at.token() + " (" + error + ")");
      }
    }

    @Override
    public void forward(Position at, Event event, int home) {
      if (seen.containsKey(event.eventId())) {
        forwarded.computeIfAbsent(event.eventId(), k -> new ArrayList<>())
            .add(at.token() + " (forwarded to partition " + home + ")");
      }
    }

    void acceptedIds(List<String> violations) {
      new TreeMap<>(seen).forEach((id, positions) -> {
        if (positions.size() == 1) {
          return;
        }
        if (positions.isEmpty()) {
          List<String> letters = deadLettered.get(id);
          List<String> away = forwarded.get(id);
          if (letters != null) {
            violations.add("event " + id + ": accepted but never decided: dead-lettered at "
                + String.join(", ", letters));
          } else if (away != null) {
            violations.add("event " + id + ": accepted but never decided: outside its home partition at "
                + String.join(", ", away) + ", and no copy at home");
          } else {
            violations.add("event " + id + ": accepted but not in the log");
          }
        } else {
          List<String> where = positions.stream().limit(POSITIONS_LISTED).map(Position::token).toList();
          violations.add("event " + id + ": accepted once but in the log " + positions.size() + " times (at "
              + String.join(", ", where) + (positions.size() > POSITIONS_LISTED ? ", ..." : "") + ")");
        }
      });
    }
  }
}
