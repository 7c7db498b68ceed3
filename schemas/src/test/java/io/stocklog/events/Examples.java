package io.stocklog.events;

import com.fasterxml.jackson.core.type.TypeReference;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example files in {@code src/test/resources/examples} and sample events, shared by the tests.
 *
 * <p>{@code valid/<Type>[.<variant>].json}: canonical events (properties in {@code @JsonPropertyOrder},
 * times in UTC). {@code invalid/*.json}: records that must be rejected; {@code invalid/index.json} maps
 * each file name to a substring the rejection message must contain.
 */
public final class Examples {

  public static final Instant AT = Instant.parse("2026-11-22T10:15:30Z");
  private static final String ROOT = "examples/";

  private Examples() {}

  /** The concrete event types: the leaves below {@link Event}'s permitted subclasses, recursively. */
  public static List<Class<?>> leafEventTypes() {
    return leaves(Event.class).toList();
  }

  private static Stream<Class<?>> leaves(Class<?> type) {
    return type.isSealed() ? Arrays.stream(type.getPermittedSubclasses()).flatMap(Examples::leaves) : Stream.of(type);
  }

  /** The JSON type name a leaf declares in its {@code TYPE} constant. */
  public static String typeNameOf(Class<?> leaf) {
    try {
      return (String) leaf.getField("TYPE").get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(leaf.getSimpleName() + " has no public static String TYPE", e);
    }
  }

  /**
   * One event of every type, as a producer builds it (the line commands and reports, which only the order
   * coordinator and the line partitions write, with deterministic IDs there, get fresh ones here).
   */
  public static List<Event> sampleEvents() {
    return List.of(
        Events.received("sku-1", "r-1", 100, AT),
        Events.adjusted("sku-1", "a-1", -3, "damaged", AT),
        Events.requested("sku-1", "o-1", 2, 600, AT),
        Events.confirmed("sku-1", "o-1", AT),
        Events.cancelled("sku-1", "o-1", AT),
        Events.extended("sku-1", "o-1", 300, AT),
        Events.tick(AT),
        Events.placed("o-9", 600, List.of(new OrderPlaced.Line("sku-1", 2), new OrderPlaced.Line("sku-2", 1)), AT),
        Events.orderConfirmed("o-9", AT),
        Events.orderCancelled("o-9", AT),
        Events.orderExtended("o-9", 300, AT),
        new OrderLineRequested(Event.SCHEMA_VERSION, Events.newEventId(), "sku-1", AT, "o-9", 1, 2, AT.plusSeconds(600)),
        new OrderLinePrepared(Event.SCHEMA_VERSION, Events.newEventId(), "sku-1", AT, "o-9", 2),
        new OrderLineConfirmed(Event.SCHEMA_VERSION, Events.newEventId(), "sku-1", AT, "o-9", 3),
        new OrderLineReleased(Event.SCHEMA_VERSION, Events.newEventId(), "sku-1", AT, "o-9", 2),
        new OrderLineExtended(Event.SCHEMA_VERSION, Events.newEventId(), "sku-1", AT, "o-9", 2, AT.plusSeconds(900)),
        new OrderLineDecided(Event.SCHEMA_VERSION, Events.newEventId(), "o-9", AT, "sku-1", 1, LineResult.HELD, 8));
  }

  public static List<String> validNames() {
    return list("valid");
  }

  public static byte[] valid(String name) {
    return read("valid/" + name);
  }

  /** File name to the substring its rejection message must contain, in file order. */
  public static Map<String, String> invalidIndex() {
    try {
      return Json.MAPPER.readValue(read("invalid/index.json"), new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The invalid example files on disk, without the index. */
  public static List<String> invalidNames() {
    return list("invalid").stream().filter(name -> !name.equals("index.json")).toList();
  }

  public static byte[] invalid(String name) {
    return read("invalid/" + name);
  }

  public static Path folder(String resource) {
    try {
      return Path.of(Examples.class.getClassLoader().getResource(resource).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> list(String subfolder) {
    try (Stream<Path> files = Files.list(folder(ROOT + subfolder))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(String path) {
    try {
      return Files.readAllBytes(folder(ROOT + path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
