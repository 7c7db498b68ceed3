package io.stocklog.projector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link KeyValueStore} over a sorted map in this JVM, outside any Kafka Streams task: what {@link StateSeed}
 * folds a log prefix into, so the fold runs the very code the projector runs ({@link KeyValueInventoryStore}
 * over typed stores) at memory speed. Keys order as in the real stores ({@code Bytes} compares unsigned).
 * Not thread-safe.
 */
final class MapKeyValueStore<K extends Comparable<K>, V> implements KeyValueStore<K, V> {

  private final String name;
  private final NavigableMap<K, V> map = new TreeMap<>();

  MapKeyValueStore(String name) {
    this.name = name;
  }

  /** The entries, in key order. */
  NavigableMap<K, V> entries() {
    return map;
  }

  @Override
  public void put(K key, V value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V old = map.get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  @Override
  public V delete(K key) {
    return map.remove(key);
  }

  @Override
  public V get(K key) {
    return map.get(key);
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    NavigableMap<K, V> view = from == null && to == null ? map
        : from == null ? map.headMap(to, true)
        : to == null ? map.tailMap(from, true)
        : from.compareTo(to) > 0 ? new TreeMap<>() : map.subMap(from, true, to, true);
    return iterator(view);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    return iterator(map);
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  /** Iterates over a copy, so the caller may change the store meanwhile, as with the real stores' snapshots. */
  private static <K, V> KeyValueIterator<K, V> iterator(Map<K, V> view) {
    List<KeyValue<K, V>> copy = new ArrayList<>(view.size());
    view.forEach((k, v) -> copy.add(KeyValue.pair(k, v)));
    return new KeyValueIterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return index < copy.size();
      }

      @Override
      public KeyValue<K, V> next() {
        return copy.get(index++);
      }

      @Override
      public K peekNextKey() {
        return copy.get(index).key;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {}

  @Override
  public void flush() {}

  @Override
  public void close() {}

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public org.apache.kafka.streams.query.Position getPosition() {
    return org.apache.kafka.streams.query.Position.emptyPosition();
  }
}
