package io.stocklog.projector;

import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.InventoryStore;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.inventory.Timer;
import io.stocklog.inventory.Timers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InventoryStore} over one task's Kafka Streams key-value stores, persistent (RocksDB) in
 * production and each backed by a changelog topic, so a restarted or moved task gets its partition's state
 * back.
 *
 * <p>Four stores, each written one small record at a time, so deciding an event never rewrites a SKU's
 * other records: {@value #STOCK} (a SKU's counters), {@value #RESERVATIONS} (one per order and SKU),
 * {@value #APPLIED} (remembered receipt, adjustment and unmatched-event IDs) and {@value #CLOCK} (the
 * partition's log time, one entry). Keys and values are {@link StateCodec}'s compact bytes.
 *
 * <p>The deadline index is not stored: it is a function of the reservations and the unmatched events
 * ({@link Timers}), so it is kept in memory, built from those two stores on first use (after Kafka Streams has
 * restored them: a task started, restored or revived makes a new instance in its processor's init) and then kept
 * in step by the fold's own adds and removes. That spares a changelog record for every hold placed, expired or
 * forgotten; the price is one scan of the reservations (and of the unmatched events, a range of their own) when a
 * task starts. Built at any point, it equals what the fold would have kept, because every change of those records
 * is mirrored by the fold's change of their timer. Timers order by {@link Timer#ORDER}, as the fold requires.
 *
 * <p>Not thread-safe: one instance per task, created in the processor's init.
 */
public final class KeyValueInventoryStore implements InventoryStore {

  private static final Logger log = LoggerFactory.getLogger(KeyValueInventoryStore.class);

  public static final String STOCK = "stock";
  public static final String RESERVATIONS = "reservations";
  public static final String APPLIED = "applied-ids";
  public static final String CLOCK = "clock";

  private static final Bytes CLOCK_KEY = Bytes.wrap(new byte[] {'c'});

  private final KeyValueStore<Bytes, byte[]> stock;
  private final KeyValueStore<Bytes, byte[]> reservations;
  private final KeyValueStore<Bytes, byte[]> applied;
  private final KeyValueStore<Bytes, byte[]> clock;
  private final Duration retention;
  /** The deadline index; null until first used. */
  private NavigableSet<Timer> timers;
  /** The index's expiries alone: what a quiet partition needs a tick for. Built and kept with it. */
  private final NavigableSet<Timer> expiries = new TreeSet<>();
  private long clockValue;

  /**
   * Over the given stores (which may hold a partition's state already); the deadline index is built from them
   * with {@code retention}, which must be the one the fold runs with, when first needed.
   */
  public KeyValueInventoryStore(
      KeyValueStore<Bytes, byte[]> stock,
      KeyValueStore<Bytes, byte[]> reservations,
      KeyValueStore<Bytes, byte[]> applied,
      KeyValueStore<Bytes, byte[]> clock,
      Duration retention) {
    this.stock = Objects.requireNonNull(stock, STOCK);
    this.reservations = Objects.requireNonNull(reservations, RESERVATIONS);
    this.applied = Objects.requireNonNull(applied, APPLIED);
    this.clock = Objects.requireNonNull(clock, CLOCK);
    byte[] time = clock.get(CLOCK_KEY);
    this.clockValue = time == null ? Long.MIN_VALUE : ByteBuffer.wrap(time).getLong();
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  /** The stores of the task that {@code context} belongs to; they must be connected to its processor. */
  public static KeyValueInventoryStore of(ProcessorContext<?, ?> context, Duration retention) {
    return new KeyValueInventoryStore(context.getStateStore(STOCK), context.getStateStore(RESERVATIONS),
        context.getStateStore(APPLIED), context.getStateStore(CLOCK), retention);
  }

  /**
   * Builders for every store of a deciding task ({@link #storeNames}): logged to a changelog (Streams' default), and cached, so a record rewritten
   * many times between two commits (the clock, a hot SKU's counters) reaches RocksDB and the changelog once per
   * commit.
   */
  public static List<StoreBuilder<?>> storeBuilders(ProjectorOptions.StoreKind kind) {
    Function<String, KeyValueBytesStoreSupplier> supplier = switch (kind) {
      case PERSISTENT -> Stores::persistentKeyValueStore;
      case IN_MEMORY -> Stores::inMemoryKeyValueStore;
    };
    List<StoreBuilder<?>> builders = new ArrayList<>();
    for (String name : storeNames()) {
      builders.add(Stores.keyValueStoreBuilder(supplier.apply(name), Serdes.Bytes(), Serdes.ByteArray())
          .withCachingEnabled());
    }
    return builders;
  }

  /**
   * Every store of a deciding task: the inventory's four (in this order: stock, reservations, applied IDs, clock),
   * then the orders it coordinates ({@link KeyValueOrderStore#ORDERS}).
   */
  public static String[] storeNames() {
    return new String[] {STOCK, RESERVATIONS, APPLIED, CLOCK, KeyValueOrderStore.ORDERS};
  }

  private NavigableSet<Timer> timers() {
    if (timers == null) {
      adoptIndex(buildIndex());
    }
    return timers;
  }

  private NavigableSet<Timer> buildIndex() {
    long started = System.nanoTime();
    NavigableSet<Timer> timers = new TreeSet<>();
    try (KeyValueIterator<Bytes, byte[]> it = reservations.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        Timers.of(StateCodec.reservation(e.key.get(), e.value), retention).ifPresent(timers::add);
      }
    }
    try (KeyValueIterator<Bytes, byte[]> it = applied.range(
        Bytes.wrap(StateCodec.appliedKindStart(AppliedId.Kind.UNMATCHED_EVENT)),
        Bytes.wrap(StateCodec.appliedKindEnd(AppliedId.Kind.UNMATCHED_EVENT)))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        if (e.key.get()[0] == StateCodec.appliedKindStart(AppliedId.Kind.UNMATCHED_EVENT)[0]) {
          Timers.of(StateCodec.applied(e.key.get(), e.value), retention).ifPresent(timers::add);
        }
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    // Every decision of the task waits for it: say so when it is long enough to notice.
    if (ms >= 100) {
      log.info("deadline index of {} timers built from the stores in {} ms", timers.size(), ms);
    } else {
      log.debug("deadline index of {} timers built from the stores in {} ms", timers.size(), ms);
    }
    return timers;
  }

  @Override
  public long clock() {
    return clockValue;
  }

  @Override
  public void clock(long time) {
    clockValue = time;
    clock.put(CLOCK_KEY, ByteBuffer.allocate(Long.BYTES).putLong(time).array());
  }

  @Override
  public StockLevel stock(String sku) {
    byte[] key = StateCodec.stockKey(sku);
    byte[] value = stock.get(Bytes.wrap(key));
    return value == null ? null : StateCodec.stock(key, value);
  }

  @Override
  public void put(StockLevel level) {
    stock.put(Bytes.wrap(StateCodec.stockKey(level.sku())), StateCodec.encode(level));
  }

  @Override
  public Reservation reservation(String sku, String orderId) {
    byte[] key = StateCodec.reservationKey(sku, orderId);
    byte[] value = reservations.get(Bytes.wrap(key));
    return value == null ? null : StateCodec.reservation(key, value);
  }

  @Override
  public void put(Reservation reservation) {
    reservations.put(Bytes.wrap(StateCodec.reservationKey(reservation.sku(), reservation.orderId())),
        StateCodec.encode(reservation));
  }

  @Override
  public void deleteReservation(String sku, String orderId) {
    reservations.delete(Bytes.wrap(StateCodec.reservationKey(sku, orderId)));
  }

  @Override
  public AppliedId applied(String sku, AppliedId.Kind kind, String id) {
    byte[] key = StateCodec.appliedKey(kind, id, sku);
    byte[] value = applied.get(Bytes.wrap(key));
    return value == null ? null : StateCodec.applied(key, value);
  }

  @Override
  public void put(AppliedId a) {
    applied.put(Bytes.wrap(StateCodec.appliedKey(a.kind(), a.id(), a.sku())), StateCodec.encode(a));
  }

  @Override
  public void deleteApplied(String sku, AppliedId.Kind kind, String id) {
    applied.delete(Bytes.wrap(StateCodec.appliedKey(kind, id, sku)));
  }

  @Override
  public void add(Timer timer) {
    timers().add(timer);
    if (timer.kind() == Timer.Kind.EXPIRE) {
      expiries.add(timer);
    }
  }

  @Override
  public void remove(Timer timer) {
    timers().remove(timer);
    expiries.remove(timer);
  }

  @Override
  public List<Timer> due(long upTo, int max) {
    List<Timer> due = new ArrayList<>(Math.min(max, 16));
    Iterator<Timer> it = timers().iterator();
    while (due.size() < max && it.hasNext()) {
      Timer timer = it.next();
      if (timer.at() > upTo) {
        break;
      }
      due.add(timer);
    }
    return due;
  }

  /** The earliest hold's expiry, or null when no reservation is held. */
  public Timer earliestExpiry() {
    timers();
    return expiries.isEmpty() ? null : expiries.first();
  }

  /** Timers in the index now. */
  public int timerCount() {
    return timers().size();
  }

  /** The deadline index if it has been built (or adopted), unmodifiable; null if not yet. */
  NavigableSet<Timer> indexIfBuilt() {
    return timers == null ? null : Collections.unmodifiableNavigableSet(timers);
  }

  /**
   * Uses {@code index} as the deadline index instead of building it from the stores: the caller knows it is the
   * index of exactly what the stores hold (see {@link DeadlineIndexSnapshot}).
   *
   * @throws IllegalStateException if the index was built or adopted already
   */
  void adoptIndex(NavigableSet<Timer> index) {
    if (timers != null) {
      throw new IllegalStateException("the deadline index is built already");
    }
    timers = index;
    index.stream().filter(t -> t.kind() == Timer.Kind.EXPIRE).forEach(expiries::add);
  }
}
