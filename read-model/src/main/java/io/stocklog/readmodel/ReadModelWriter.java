package io.stocklog.readmodel;

import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.outcomes.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Applies outcomes to the read model: one transaction per batch, one upsert statement per table.
 *
 * <p>Every row keeps the position of the event that last changed it, and an upsert only wins when its
 * position is not older ({@code (partition, offset) >=}), so applying a batch again, or any older
 * outcomes, leaves the rows as they were: redelivery and replays converge. Equal positions are allowed
 * through because several outcomes share one (the expiries an event triggered, then its own decision)
 * and arrive in that order; Kafka only ever redelivers a suffix of a partition, so the last one still
 * lands last. Within a batch only the newest outcome per row is written (each outcome carries the whole
 * row, so the older ones add nothing), which also keeps one statement from touching a row twice.
 */
public final class ReadModelWriter {

  private static final String UPSERT_STOCK = """
      insert into sku_stock as s
             (sku, on_hand, reserved, available, position_partition, position_offset, updated_at)
      select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::bigint[],
                           ?::text[]::timestamptz[])
      on conflict (sku) do update
         set on_hand = excluded.on_hand,
             reserved = excluded.reserved,
             available = excluded.available,
             position_partition = excluded.position_partition,
             position_offset = excluded.position_offset,
             updated_at = excluded.updated_at
       where (excluded.position_partition, excluded.position_offset) >= (s.position_partition, s.position_offset)
      """;

  private static final String UPSERT_RESERVATION = """
      insert into reservation as r
             (sku, order_id, quantity, status, reject_reason, expires_at, position_partition, position_offset,
              updated_at)
      select * from unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[]::timestamptz[],
                           ?::int[], ?::bigint[], ?::text[]::timestamptz[])
      on conflict (sku, order_id) do update
         set quantity = excluded.quantity,
             status = excluded.status,
             reject_reason = excluded.reject_reason,
             expires_at = coalesce(excluded.expires_at, r.expires_at),
             position_partition = excluded.position_partition,
             position_offset = excluded.position_offset,
             updated_at = excluded.updated_at
       where (excluded.position_partition, excluded.position_offset) >= (r.position_partition, r.position_offset)
      """;

  private static final String ADVANCE_POSITION = """
      insert into applied_position as a (events_partition, applied_offset, checked_at)
      select p, o, clock_timestamp() from unnest(?::int[], ?::bigint[]) as t(p, o)
      on conflict (events_partition) do update
         set applied_offset = greatest(a.applied_offset, excluded.applied_offset),
             checked_at = excluded.checked_at
      """;

  private static final String TOUCH_POSITION = """
      insert into applied_position as a (events_partition, applied_offset, checked_at)
      select p, -1, clock_timestamp() from unnest(?::int[]) as t(p)
      on conflict (events_partition) do update
         set checked_at = excluded.checked_at
      """;

  private final DataSource dataSource;

  public ReadModelWriter(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Applies {@code outcomes} (in log order) and advances {@code applied_position} of every events
   * partition they came from, all in one transaction. Outcomes must carry a position.
   *
   * @return the highest events offset applied per events partition
   */
  public Map<Integer, Long> apply(List<Outcome> outcomes) throws SQLException {
    Map<String, Placed> stock = new LinkedHashMap<>();
    Map<String, Placed> reservations = new LinkedHashMap<>();
    Map<Integer, Long> applied = new TreeMap<>();
    for (Outcome outcome : outcomes) {
      Objects.requireNonNull(outcome.position(), () -> "outcome " + outcome.eventId() + " has no position");
      Placed placed = new Placed(outcome, Position.parse(outcome.position()));
      stock.merge(outcome.sku(), placed, Placed::newer);
      if (reservationStatus(outcome) != null) {
        reservations.merge(outcome.sku() + '\u0000' + outcome.subjectId(), placed, Placed::newer);
      }
      applied.merge(placed.position.partition(), placed.position.offset(), Math::max);
    }
    if (applied.isEmpty()) {
      return applied;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        upsertStock(c, stock.values());
        if (!reservations.isEmpty()) {
          upsertReservations(c, reservations.values());
        }
        try (PreparedStatement s = c.prepareStatement(ADVANCE_POSITION)) {
          s.setArray(1, c.createArrayOf("int", applied.keySet().toArray(Integer[]::new)));
          s.setArray(2, c.createArrayOf("bigint", applied.values().toArray(Long[]::new)));
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
    return applied;
  }

  /**
   * Outcomes folded into the rows they leave, by the same rules as {@link #apply} (the newest outcome by
   * position wins each row): what a rebuild accumulates over a whole backlog and writes once with
   * {@link #write}, instead of writing every intermediate state of a row. Not thread-safe.
   */
  public static final class Rows {
    private final Map<String, Placed> stock = new LinkedHashMap<>();
    private final Map<String, Placed> reservations = new LinkedHashMap<>();
    private final Map<Integer, Long> applied = new TreeMap<>();

    public void add(Outcome outcome) {
      Objects.requireNonNull(outcome.position(), () -> "outcome " + outcome.eventId() + " has no position");
      Placed placed = new Placed(outcome, Position.parse(outcome.position()));
      stock.merge(outcome.sku(), placed, Placed::newer);
      if (reservationStatus(outcome) != null) {
        reservations.merge(outcome.sku() + '\u0000' + outcome.subjectId(), placed, Placed::newer);
      }
      applied.merge(placed.position.partition(), placed.position.offset(), Math::max);
    }

    public int stockRows() {
      return stock.size();
    }

    public int reservationRows() {
      return reservations.size();
    }
  }

  /**
   * Writes {@code rows} in transactions of at most {@code slice} rows each, the applied positions in the last:
   * until that one commits, the read model says it has applied nothing of them. For a read model no sink
   * writes meanwhile (a rebuild's).
   */
  public void write(Rows rows, int slice) throws SQLException {
    List<Placed> stock = List.copyOf(rows.stock.values());
    List<Placed> reservations = List.copyOf(rows.reservations.values());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (int i = 0; i < stock.size(); i += slice) {
          upsertStock(c, stock.subList(i, Math.min(stock.size(), i + slice)));
          c.commit();
        }
        for (int i = 0; i < reservations.size(); i += slice) {
          upsertReservations(c, reservations.subList(i, Math.min(reservations.size(), i + slice)));
          c.commit();
        }
        if (!rows.applied.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(ADVANCE_POSITION)) {
            s.setArray(1, c.createArrayOf("int", rows.applied.keySet().toArray(Integer[]::new)));
            s.setArray(2, c.createArrayOf("bigint", rows.applied.values().toArray(Long[]::new)));
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  /**
   * Records that the read model is still current for {@code partitions} (nothing pending in them):
   * refreshes {@code checked_at}, creating the row at offset -1 for a partition never applied.
   */
  public void touch(Collection<Integer> partitions) throws SQLException {
    if (partitions.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TOUCH_POSITION)) {
      c.setAutoCommit(true);
      s.setArray(1, c.createArrayOf("int", partitions.toArray(Integer[]::new)));
      s.executeUpdate();
    }
  }

  /**
   * The reservation status an outcome sets, or null when it leaves the row alone: repeated IDs change
   * nothing, and a rejection other than an out-of-stock request is about an event, not the reservation.
   */
  static ReservationStatus reservationStatus(Outcome outcome) {
    if (outcome.duplicate()) {
      return null;
    }
    return switch (outcome.decision()) {
      case HELD, EXTENDED -> ReservationStatus.HELD;
      case CONFIRMED -> ReservationStatus.CONFIRMED;
      case CANCELLED -> ReservationStatus.CANCELLED;
      case EXPIRED -> ReservationStatus.EXPIRED;
      case REJECTED -> "ReservationRequested".equals(outcome.eventType())
          && outcome.reason() == Reason.OUT_OF_STOCK ? ReservationStatus.REJECTED : null;
      case RECEIVED, ADJUSTED -> null;
    };
  }

  private static void upsertStock(Connection c, Collection<Placed> rows) throws SQLException {
    int n = rows.size();
    String[] sku = new String[n];
    Long[] onHand = new Long[n];
    Long[] reserved = new Long[n];
    Long[] available = new Long[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    String[] updatedAt = new String[n];
    int i = 0;
    for (Placed p : rows) {
      Outcome o = p.outcome;
      sku[i] = o.sku();
      onHand[i] = o.onHand();
      reserved[i] = o.reserved();
      available[i] = o.available();
      partition[i] = p.position.partition();
      offset[i] = p.position.offset();
      updatedAt[i] = o.decidedAt().toString();
      i++;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_STOCK)) {
      s.setArray(1, c.createArrayOf("text", sku));
      s.setArray(2, c.createArrayOf("bigint", onHand));
      s.setArray(3, c.createArrayOf("bigint", reserved));
      s.setArray(4, c.createArrayOf("bigint", available));
      s.setArray(5, c.createArrayOf("int", partition));
      s.setArray(6, c.createArrayOf("bigint", offset));
      s.setArray(7, c.createArrayOf("text", updatedAt));
      s.executeUpdate();
    }
  }

  private static void upsertReservations(Connection c, Collection<Placed> rows) throws SQLException {
    int n = rows.size();
    String[] sku = new String[n];
    String[] orderId = new String[n];
    Long[] quantity = new Long[n];
    String[] status = new String[n];
    String[] rejectReason = new String[n];
    String[] expiresAt = new String[n];
    Integer[] partition = new Integer[n];
    Long[] offset = new Long[n];
    String[] updatedAt = new String[n];
    int i = 0;
    for (Placed p : rows) {
      Outcome o = p.outcome;
      ReservationStatus st = reservationStatus(o);
      sku[i] = o.sku();
      orderId[i] = o.subjectId();
      quantity[i] = o.quantity();
      status[i] = st.name();
      rejectReason[i] = st == ReservationStatus.REJECTED ? o.reason().name() : null;
      expiresAt[i] = text(o.expiresAt());
      partition[i] = p.position.partition();
      offset[i] = p.position.offset();
      updatedAt[i] = o.decidedAt().toString();
      i++;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_RESERVATION)) {
      s.setArray(1, c.createArrayOf("text", sku));
      s.setArray(2, c.createArrayOf("text", orderId));
      s.setArray(3, c.createArrayOf("bigint", quantity));
      s.setArray(4, c.createArrayOf("text", status));
      s.setArray(5, c.createArrayOf("text", rejectReason));
      s.setArray(6, c.createArrayOf("text", expiresAt));
      s.setArray(7, c.createArrayOf("int", partition));
      s.setArray(8, c.createArrayOf("bigint", offset));
      s.setArray(9, c.createArrayOf("text", updatedAt));
      s.executeUpdate();
    }
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static void rollbackQuietly(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** An outcome with its parsed position; {@link #newer} keeps the later of two for one row. */
  private record Placed(Outcome outcome, Position position) {
    static Placed newer(Placed old, Placed candidate) {
      return candidate.position.compareTo(old.position) >= 0 ? candidate : old;
    }
  }
}
