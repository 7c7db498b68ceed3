package io.stocklog.projector;

import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.InventoryStore;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.inventory.Timer;
import io.stocklog.json.JsonSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * An {@link InventoryStore} over one task's Kafka Streams key-value stores, persistent (RocksDB) in
 * production and each backed by a changelog topic, so a restarted or moved task gets its partition's state
 * back.
 *
 * <p>Five stores, each written one small record at a time, so deciding an event never rewrites a SKU's
 * other records: {@value #STOCK} (StockLevel by sku), {@value #RESERVATIONS} (Reservation by sku+orderId),
 * {@value #APPLIED} (AppliedId by sku+kind+id), {@value #DEADLINES} (the deadline index) and {@value #CLOCK}
 * (the partition's log time, one entry). Values are JSON through the one mapper.
 *
 * <p>The deadline index is ordered by its key bytes, which RocksDB and the record cache compare unsigned,
 * byte by byte: 8 bytes of {@code at} big-endian with the sign bit flipped (so negative times sort before
 * positive ones), then the SKU, 0x00, the kind's ordinal, 0x00, the id. IDs and SKUs are
 * {@code [A-Za-z0-9._:-]}, all above 0x00, so "a" sorts before "a0" exactly as in {@link Timer#ORDER}, and
 * {@link #due} is one scan from the smallest key that stops at the first key past {@code upTo}. Most events
 * find nothing due; an in-memory lower bound on the earliest deadline then spares the scan.
 *
 * <p>Not thread-safe: one instance per task, created in the processor's init.
 */
public final class KeyValueInventoryStore implements InventoryStore {

  public static final String STOCK = "stock";
  public static final String RESERVATIONS = "reservations";
  public static final String APPLIED = "applied-ids";
  public static final String DEADLINES = "deadlines";
  public static final String CLOCK = "clock";

  private static final String CLOCK_KEY = "clock";
  private static final char SEPARATOR = '\u0000';
  private static final byte[] PRESENT = new byte[0];
  private static final Timer.Kind[] KINDS = Timer.Kind.values();
  private static final Bytes SMALLEST = Bytes.wrap(new byte[Long.BYTES]);
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final KeyValueStore<String, StockLevel> stock;
  private final KeyValueStore<String, Reservation> reservations;
  private final KeyValueStore<String, AppliedId> applied;
  private final KeyValueStore<Bytes, byte[]> deadlines;
  private final KeyValueStore<String, Long> clock;

  /**
   * No timer in the index is earlier than this ({@link #UNKNOWN}: not known yet). Deciding an event asks
   * for due timers first, and most of the time none is due; this lower bound answers that without opening
   * a RocksDB iterator. It is derived, never stored: a new instance (a task started, restored or revived)
   * starts from UNKNOWN and learns it from its first scan.
   */
  private long earliest = UNKNOWN;
  private boolean empty;

  public KeyValueInventoryStore(
      KeyValueStore<String, StockLevel> stock,
      KeyValueStore<String, Reservation> reservations,
      KeyValueStore<String, AppliedId> applied,
      KeyValueStore<Bytes, byte[]> deadlines,
      KeyValueStore<String, Long> clock) {
    this.stock = Objects.requireNonNull(stock, STOCK);
    this.reservations = Objects.requireNonNull(reservations, RESERVATIONS);
    this.applied = Objects.requireNonNull(applied, APPLIED);
    this.deadlines = Objects.requireNonNull(deadlines, DEADLINES);
    this.clock = Objects.requireNonNull(clock, CLOCK);
  }

  /** The stores of the task that {@code context} belongs to; they must be connected to its processor. */
  public static KeyValueInventoryStore of(ProcessorContext<?, ?> context) {
    return new KeyValueInventoryStore(context.getStateStore(STOCK), context.getStateStore(RESERVATIONS),
        context.getStateStore(APPLIED), context.getStateStore(DEADLINES), context.getStateStore(CLOCK));
  }

  /**
   * Builders for the five stores: logged to a changelog (Streams' default), and cached, so a
   * record rewritten many times between two commits (the clock, a hot SKU's counters) reaches RocksDB and
   * the changelog once per commit.
   */
  public static List<StoreBuilder<?>> storeBuilders(ProjectorOptions.StoreKind kind) {
    Function<String, KeyValueBytesStoreSupplier> supplier = switch (kind) {
      case PERSISTENT -> Stores::persistentKeyValueStore;
      case IN_MEMORY -> Stores::inMemoryKeyValueStore;
    };
    return List.of(
        Stores.keyValueStoreBuilder(supplier.apply(STOCK),
            Serdes.String(), JsonSerde.of(StockLevel.class)).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(RESERVATIONS),
            Serdes.String(), JsonSerde.of(Reservation.class)).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(APPLIED),
            Serdes.String(), JsonSerde.of(AppliedId.class)).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(DEADLINES),
            Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(CLOCK),
            Serdes.String(), Serdes.Long()).withCachingEnabled());
  }

  public static String[] storeNames() {
    return new String[] {STOCK, RESERVATIONS, APPLIED, DEADLINES, CLOCK};
  }

  @Override
  public long clock() {
    Long time = clock.get(CLOCK_KEY);
    return time == null ? Long.MIN_VALUE : time;
  }

  @Override
  public void clock(long time) {
    clock.put(CLOCK_KEY, time);
  }

  @Override
  public StockLevel stock(String sku) {
    return stock.get(sku);
  }

  @Override
  public void put(StockLevel level) {
    stock.put(level.sku(), level);
  }

  @Override
  public Reservation reservation(String sku, String orderId) {
    return reservations.get(sku + SEPARATOR + orderId);
  }

  @Override
  public void put(Reservation reservation) {
    reservations.put(reservation.sku() + SEPARATOR + reservation.orderId(), reservation);
  }

  @Override
  public void deleteReservation(String sku, String orderId) {
    reservations.delete(sku + SEPARATOR + orderId);
  }

  @Override
  public AppliedId applied(String sku, AppliedId.Kind kind, String id) {
    return applied.get(appliedKey(sku, kind, id));
  }

  @Override
  public void put(AppliedId a) {
    applied.put(appliedKey(a.sku(), a.kind(), a.id()), a);
  }

  @Override
  public void deleteApplied(String sku, AppliedId.Kind kind, String id) {
    applied.delete(appliedKey(sku, kind, id));
  }

  @Override
  public void add(Timer timer) {
    deadlines.put(timerKey(timer), PRESENT);
    if (empty || timer.at() < earliest) {
      earliest = timer.at();
      empty = false;
    }
  }

  @Override
  public void remove(Timer timer) {
    deadlines.delete(timerKey(timer));
  }

  @Override
  public List<Timer> due(long upTo, int max) {
    List<Timer> due = new ArrayList<>(Math.min(max, 16));
    if (max <= 0 || empty || (earliest != UNKNOWN && earliest > upTo)) {
      return due;
    }
    // Scans from the smallest key on, past upTo by one key at most, to learn the earliest timer; the
    // timers returned count as present until removed, so the bound is the first of them if any.
    try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(SMALLEST, null)) {
      if (!it.hasNext()) {
        empty = true;
        return due;
      }
      while (it.hasNext() && due.size() < max) {
        Timer timer = timerOf(it.next().key.get());
        if (due.isEmpty()) {
          earliest = timer.at();
        }
        if (timer.at() > upTo) {
          break;
        }
        due.add(timer);
      }
    }
    return due;
  }

  private static String appliedKey(String sku, AppliedId.Kind kind, String id) {
    return sku + SEPARATOR + kind.name() + SEPARATOR + id;
  }

  /** The deadline index key of {@code timer}; see the class comment for the layout. */
  static Bytes timerKey(Timer timer) {
    byte[] sku = timer.sku().getBytes(StandardCharsets.UTF_8);
    byte[] id = timer.id().getBytes(StandardCharsets.UTF_8);
    ByteBuffer key = ByteBuffer.allocate(Long.BYTES + sku.length + 3 + id.length);
    key.putLong(timer.at() ^ Long.MIN_VALUE)
        .put(sku).put((byte) 0).put((byte) (timer.kind().ordinal() + 1)).put((byte) 0)
        .put(id);
    return Bytes.wrap(key.array());
  }

  static Timer timerOf(byte[] key) {
    ByteBuffer buffer = ByteBuffer.wrap(key);
    long at = buffer.getLong() ^ Long.MIN_VALUE;
    int skuEnd = Long.BYTES;
    while (key[skuEnd] != 0) {
      skuEnd++;
    }
    String sku = new String(key, Long.BYTES, skuEnd - Long.BYTES, StandardCharsets.UTF_8);
    Timer.Kind kind = KINDS[key[skuEnd + 1] - 1];
    int idStart = skuEnd + 3;
    String id = new String(key, idStart, key.length - idStart, StandardCharsets.UTF_8);
    return new Timer(at, kind, sku, id);
  }

}
