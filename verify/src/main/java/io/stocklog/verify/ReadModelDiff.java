package io.stocklog.verify;

import io.stocklog.inventory.InMemoryInventoryStore;
import io.stocklog.outcomes.Position;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A read model compared row by row with a fold of the log up to exactly its positions: the read model is
 * correct iff {@link #differences()} is empty.
 *
 * <p>{@link #compare} reads the read model in one {@code REPEATABLE READ} read-only transaction
 * ({@link ReadModelSnapshot}), replays every partition of the events topic through the offset its
 * {@code applied_position} row records (a partition without a row, or at -1, has nothing applied: none of it
 * is folded), turns the outcomes into the rows the read model should hold ({@link ExpectedReadModel}) and
 * compares: every SKU, reservation and order missing from the read model, present in it but not expected, or with
 * fields that differ, each field with the expected and the actual value. Positions that cannot be right
 * (past the end of the log, a partition the topic does not have) are differences too.
 *
 * @param through the last offset folded per partition: the read model's positions (-1: none)
 * @param eventsReplayed records decided by the replay (ticks included)
 * @param skusCompared SKUs in the read model, the expectation or both
 * @param reservationsCompared reservations in the read model, the expectation or both
 * @param ordersCompared orders in the read model, the expectation or both
 * @param differences sorted: positions first, then SKUs, then reservations, then orders, each by key
 */
public record ReadModelDiff(Map<Integer, Long> through, long eventsReplayed, long skusCompared,
                            long reservationsCompared, long ordersCompared, List<Difference> differences) {

  public static final String STOCK_TABLE = "sku_stock";
  public static final String RESERVATION_TABLE = "reservation";
  public static final String ORDER_TABLE = "orders";
  public static final String POSITION_TABLE = "applied_position";

  public ReadModelDiff {
    through = java.util.Collections.unmodifiableMap(new TreeMap<>(through));
    differences = List.copyOf(differences);
  }

  /** True when the read model is exactly the fold of the log up to its positions. */
  public boolean matches() {
    return differences.isEmpty();
  }

  /** Compares the read model in {@code schema} with the events topic, with the projector's default settings. */
  public static ReadModelDiff compare(String bootstrapServers, String eventsTopic, DataSource readModel, String schema) {
    return compare(LogReplay.of(bootstrapServers, eventsTopic), readModel, schema);
  }

  /**
   * Compares the read model in {@code schema} with {@code replay}'s topic.
   *
   * @throws IllegalArgumentException if {@code schema} is not a valid schema name ({@link ReadModelSnapshot#SCHEMA_NAME})
   * @throws IllegalStateException if the read model or the log cannot be read
   */
  public static ReadModelDiff compare(LogReplay replay, DataSource readModel, String schema) {
    ReadModelSnapshot.validSchema(schema);
    ReadModelSnapshot snapshot = ReadModelSnapshot.read(readModel, schema);
    Plan plan = plan(snapshot.appliedOffsets(), replay.lastOffsets());
    ExpectedReadModel expected = new ExpectedReadModel();
    LogReplay.Result<InMemoryInventoryStore> result = replay.replay(plan.through(), expected.listener());
    List<Difference> differences = new ArrayList<>(plan.problems());
    differences.addAll(differences(expected, snapshot));
    return new ReadModelDiff(plan.through(), result.events(), union(expected.stock(), snapshot.stock()),
        union(expected.reservations(), snapshot.reservations()), union(expected.orders(), snapshot.orders()),
        differences);
  }

  /**
   * Where to fold each partition to for a read model at {@code applied}, given the log's last offsets, and what
   * is wrong with those positions.
   */
  static Plan plan(Map<Integer, Long> applied, Map<Integer, Long> lastOffsets) {
    Map<Integer, Long> through = new TreeMap<>();
    List<Difference> problems = new ArrayList<>();
    lastOffsets.forEach((p, last) -> {
      long offset = applied.getOrDefault(p, -1L);
      if (offset < -1) {
        problems.add(Difference.position(p, "offset " + offset + " is below -1; read as nothing applied"));
        offset = -1;
      } else if (offset > last) {
        problems.add(Difference.position(p, "offset " + offset + " is past the log's last committed offset "
            + last + "; compared as of " + last));
        offset = last;
      }
      through.put(p, offset);
    });
    applied.forEach((p, offset) -> {
      if (!lastOffsets.containsKey(p)) {
        problems.add(Difference.position(p,
            "offset " + offset + " recorded for a partition the events topic does not have"));
      }
    });
    return new Plan(through, problems);
  }

  record Plan(Map<Integer, Long> through, List<Difference> problems) {}

  /** Every difference between the rows {@code expected} and the rows of {@code actual}, sorted by table and key. */
  public static List<Difference> differences(ExpectedReadModel expected, ReadModelSnapshot actual) {
    List<Difference> out = new ArrayList<>();
    for (String sku : new TreeSet<>(keys(expected.stock(), actual.stock()))) {
      StockEntry e = expected.stock().get(sku);
      StockEntry a = actual.stock().get(sku);
      if (a == null) {
        out.add(new Difference(Kind.MISSING, STOCK_TABLE, sku, List.of(), columns(e)));
      } else if (e == null) {
        out.add(new Difference(Kind.UNEXPECTED, STOCK_TABLE, sku, List.of(), columns(a)));
      } else {
        List<Field> fields = new ArrayList<>();
        field(fields, "on_hand", e.onHand(), a.onHand());
        field(fields, "reserved", e.reserved(), a.reserved());
        field(fields, "available", e.available(), a.available());
        field(fields, "position", e.position(), a.position());
        field(fields, "updated_at", e.updatedAt(), a.updatedAt());
        if (!fields.isEmpty()) {
          out.add(new Difference(Kind.DIFFERENT, STOCK_TABLE, sku, fields, Map.of()));
        }
      }
    }
    for (ReservationEntry.Key key : new TreeSet<>(keys(expected.reservations(), actual.reservations()))) {
      ReservationEntry e = expected.reservations().get(key);
      ReservationEntry a = actual.reservations().get(key);
      if (a == null) {
        out.add(new Difference(Kind.MISSING, RESERVATION_TABLE, key.toString(), List.of(), columns(e)));
      } else if (e == null) {
        out.add(new Difference(Kind.UNEXPECTED, RESERVATION_TABLE, key.toString(), List.of(), columns(a)));
      } else {
        List<Field> fields = new ArrayList<>();
        field(fields, "quantity", e.quantity(), a.quantity());
        field(fields, "status", e.status(), a.status());
        field(fields, "reject_reason", e.rejectReason(), a.rejectReason());
        field(fields, "expires_at", e.expiresAt(), a.expiresAt());
        field(fields, "position", e.position(), a.position());
        if (!fields.isEmpty()) {
          out.add(new Difference(Kind.DIFFERENT, RESERVATION_TABLE, key.toString(), fields, Map.of()));
        }
      }
    }
    for (String orderId : new TreeSet<>(keys(expected.orders(), actual.orders()))) {
      OrderEntry e = expected.orders().get(orderId);
      OrderEntry a = actual.orders().get(orderId);
      if (a == null) {
        out.add(new Difference(Kind.MISSING, ORDER_TABLE, orderId, List.of(), columns(e)));
      } else if (e == null) {
        out.add(new Difference(Kind.UNEXPECTED, ORDER_TABLE, orderId, List.of(), columns(a)));
      } else {
        List<Field> fields = new ArrayList<>();
        field(fields, "status", e.status(), a.status());
        field(fields, "reject_reason", e.rejectReason(), a.rejectReason());
        field(fields, "expires_at", e.expiresAt(), a.expiresAt());
        field(fields, "lines", e.lines(), a.lines());
        field(fields, "position", e.position(), a.position());
        field(fields, "updated_at", e.updatedAt(), a.updatedAt());
        if (!fields.isEmpty()) {
          out.add(new Difference(Kind.DIFFERENT, ORDER_TABLE, orderId, fields, Map.of()));
        }
      }
    }
    return out;
  }

  private static <K> java.util.Set<K> keys(Map<K, ?> a, Map<K, ?> b) {
    java.util.Set<K> all = new java.util.HashSet<>(a.keySet());
    all.addAll(b.keySet());
    return all;
  }

  private static <K> long union(Map<K, ?> a, Map<K, ?> b) {
    return keys(a, b).size();
  }

  private static void field(List<Field> fields, String name, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      fields.add(new Field(name, expected, actual));
    }
  }

  private static Map<String, Object> columns(StockEntry r) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("on_hand", r.onHand());
    c.put("reserved", r.reserved());
    c.put("available", r.available());
    c.put("position", r.position());
    c.put("updated_at", r.updatedAt());
    return c;
  }

  private static Map<String, Object> columns(ReservationEntry r) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("quantity", r.quantity());
    c.put("status", r.status());
    c.put("reject_reason", r.rejectReason());
    c.put("expires_at", r.expiresAt());
    c.put("position", r.position());
    return c;
  }

  private static Map<String, Object> columns(OrderEntry r) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("status", r.status());
    c.put("reject_reason", r.rejectReason());
    c.put("expires_at", r.expiresAt());
    c.put("lines", r.lines());
    c.put("position", r.position());
    c.put("updated_at", r.updatedAt());
    return c;
  }

  /** What kind of difference. */
  public enum Kind {
    /** A row the fold expects that the read model does not have. */
    MISSING,
    /** A row the read model has that the fold does not expect. */
    UNEXPECTED,
    /** A row both have, with some fields different. */
    DIFFERENT,
    /** An {@code applied_position} row that cannot describe this log. */
    POSITION
  }

  /** One field of a row: the value the fold expects and the value the read model has. */
  public record Field(String column, Object expected, Object actual) {
    @Override
    public String toString() {
      return column + " expected " + expected + ", read model " + actual;
    }
  }

  /**
   * One differing row.
   *
   * @param key the SKU, {@code sku/orderId} for a reservation, the order ID for an order, the partition number for a
 *     position
   * @param fields for {@link Kind#DIFFERENT}: the differing fields, in column order
   * @param row for {@link Kind#MISSING}: the expected row's columns; for {@link Kind#UNEXPECTED}: the read
   *     model's; else empty
   * @param detail for {@link Kind#POSITION}: what is wrong; else null
   */
  public record Difference(Kind kind, String table, String key, List<Field> fields, Map<String, Object> row,
                           String detail) {

    public Difference {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
      fields = List.copyOf(fields);
      row = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    Difference(Kind kind, String table, String key, List<Field> fields, Map<String, Object> row) {
      this(kind, table, key, fields, row, null);
    }

    static Difference position(int partition, String detail) {
      return new Difference(Kind.POSITION, POSITION_TABLE, Integer.toString(partition), List.of(), Map.of(), detail);
    }

    /** One line, e.g. {@code sku_stock sku-7: reserved expected 3, read model 4; available expected 5, read model 4}. */
    public String describe() {
      String where = table + " " + key + ": ";
      return switch (kind) {
        case MISSING -> where + "missing from the read model; the log says " + text(row);
        case UNEXPECTED -> where + "in the read model but not in the log up to its positions: " + text(row);
        case DIFFERENT -> where + String.join("; ", fields.stream().map(Field::toString).toList());
        case POSITION -> where + detail;
      };
    }

    private static String text(Map<String, Object> row) {
      List<String> parts = new ArrayList<>();
      row.forEach((k, v) -> parts.add(k + "=" + v));
      return String.join(", ", parts);
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
