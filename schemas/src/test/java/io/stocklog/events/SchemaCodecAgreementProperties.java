package io.stocklog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The published JSON Schemas and the projector's codec agree on every input: a generated corpus of event texts,
 * valid events rewritten the ways other producers write them (integers as {@code 2.0}, {@code 1e2} or
 * {@code 2.5}, as strings, reasons of white space of every kind, numbers out of range), each decoded by
 * {@link EventCodec} (what the projector runs) and validated against its type's schema by the project's
 * validator. The codec accepts exactly what the schema accepts, and reads an integral number however written
 * as the integer it is.
 *
 * <p>The corpus, with each verdict, is written to {@code target/schema-corpus/events.jsonl}, so that an outside
 * validator can be held to the same verdicts: {@code src/test/ajv/check-corpus.mjs} does it with ajv (README
 * "The events"); the test suite itself needs no Node.
 */
class SchemaCodecAgreementProperties {

  private static final Path CORPUS = Path.of("target", "schema-corpus", "events.jsonl");
  private static final List<String> LINES = Collections.synchronizedList(new ArrayList<>());
  /** The integer fields of the events, as the schemas name them. */
  private static final List<String> INTEGERS = List.of("quantity", "delta", "holdSeconds", "schemaVersion", "step",
      "available");

  /** One rewrite of one field of a valid event; {@code sameValue} when it only writes the same number otherwise. */
  record Variant(String field, JsonNode value, String label, boolean sameValue) {

    Variant(String field, JsonNode value, String label) {
      this(field, value, label, false);
    }
  }

  @Provide
  Arbitrary<Event> events() {
    Arbitrary<String> ids = Arbitraries.strings().withChars("ABCabc0123._:-").ofMinLength(1).ofMaxLength(12);
    Arbitrary<Instant> times = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
    Arbitrary<Long> quantities = Arbitraries.longs().between(1, Checks.MAX_QUANTITY);
    Arbitrary<Integer> holds = Arbitraries.integers().between(1, Checks.MAX_HOLD_SECONDS);
    return Arbitraries.oneOf(
        Combinators.combine(ids, ids, times, ids, quantities)
            .as((e, s, t, r, q) -> new StockReceived(Event.SCHEMA_VERSION, e, s, t, r, q)),
        Combinators.combine(ids, ids, times, ids, quantities, Arbitraries.of(1L, -1L))
            .as((e, s, t, a, q, sign) -> new StockAdjusted(Event.SCHEMA_VERSION, e, s, t, a, q * sign, "damaged")),
        Combinators.combine(ids, ids, times, ids, quantities, holds)
            .as((e, s, t, o, q, h) -> new ReservationRequested(Event.SCHEMA_VERSION, e, s, t, o, q, h)),
        Combinators.combine(ids, ids, times, ids, holds)
            .as((e, s, t, o, h) -> new ReservationExtended(Event.SCHEMA_VERSION, e, s, t, o, h)),
        Combinators.combine(ids, times).as((e, t) -> new ClockTick(Event.SCHEMA_VERSION, e, t)),
        Combinators.combine(ids, ids, times, holds)
            .as((e, o, t, h) -> new OrderExtended(Event.SCHEMA_VERSION, e, o, t, h)),
        Combinators.combine(ids, ids, times, holds, ids, quantities)
            .as((e, o, t, h, s, q) -> new OrderPlaced(Event.SCHEMA_VERSION, e, o, t, h,
                java.util.List.of(new OrderPlaced.Line(s, q)))),
        Combinators.combine(ids, ids, times, ids, Arbitraries.integers().between(1, 1000), quantities, times)
            .as((e, s, t, o, n, q, x) -> new OrderLineRequested(Event.SCHEMA_VERSION, e, s, t, o, n, q, x)),
        Combinators.combine(ids, ids, times, ids, Arbitraries.integers().between(1, 1000), quantities)
            .as((e, o, t, s, n, a) -> new OrderLineDecided(Event.SCHEMA_VERSION, e, o, t, s, n, LineResult.HELD, a)));
  }

  @Provide
  Arbitrary<Integer> rewrites() {
    return Arbitraries.integers().between(0, Integer.MAX_VALUE);
  }

  @Property(tries = 3000)
  void theCodecAcceptsExactlyWhatTheSchemaAcceptsAndReadsIntegralNumbersAsIntegers(
      @ForAll("events") Event event, @ForAll("rewrites") int seed) throws Exception {
    ObjectNode tree = (ObjectNode) EventCodec.toTree(event);
    Variant variant = variant(tree, seed);
    if (variant != null) {
      tree.set(variant.field(), variant.value());
    }
    String text = Json.MAPPER.writeValueAsString(tree);

    boolean schemaAccepts = EventCodec.schemaOf(event.type()).validate(Json.MAPPER.readTree(text)).isEmpty();
    Event decoded = null;
    String refusal = null;
    try {
      decoded = EventCodec.decode(text.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      refusal = e.getMessage();
    }
    record(text, event.type(), decoded != null, variant == null ? "as encoded" : variant.label());

    assertThat(decoded != null).as("%s: the codec accepts (%s) exactly when the schema does", text, refusal)
        .isEqualTo(schemaAccepts);
    if (decoded != null && variant != null && variant.sameValue()) {
      assertThat(decoded).as("%s read as the integer it is", text).isEqualTo(event);
    }
  }

  /** A rewrite of one field chosen by {@code seed}, or null to keep the event as encoded. */
  private static Variant variant(ObjectNode tree, int seed) {
    List<String> integers = INTEGERS.stream().filter(tree::has).toList();
    int kind = seed % 10;
    int pick = (seed / 10) % 1000;
    if (kind == 0 || (integers.isEmpty() && !tree.has("reason"))) {
      return null;
    }
    if (tree.has("reason") && kind == 9) {
      String[] spaces = {" ", "\t", "\u00A0", "\u2028", "\uFEFF", "\u3000", "\u000B", "\u0085", " x ", "\u00A0x"};
      String reason = spaces[pick % spaces.length].repeat(1 + pick % 3);
      return new Variant("reason", TextNode.valueOf(reason), "reason of " + reason.codePoints().count() + " code points");
    }
    if (integers.isEmpty()) {
      return null;
    }
    String field = integers.get(pick % integers.size());
    BigDecimal value = tree.get(field).decimalValue();
    return switch (kind) {
      // 2.0, 2.000
      case 1, 2 -> new Variant(field, DecimalNode.valueOf(value.setScale(kind)), "integral with a fraction", true);
      // 2E+1 for 20, 1E+2 for 100: the exponent form of the same integer
      case 3 -> new Variant(field, DecimalNode.valueOf(new BigDecimal(value.unscaledValue(), 0).stripTrailingZeros()
          .scaleByPowerOfTen(0)), "integral in exponent form", true);
      // 20E-1 for 2: a negative exponent, still integral
      case 4 -> new Variant(field, DecimalNode.valueOf(new BigDecimal(value.unscaledValue().multiply(
          java.math.BigInteger.TEN), 1)), "integral with a negative exponent", true);
      // 2.5: not an integer
      case 5 -> new Variant(field, DecimalNode.valueOf(value.add(new BigDecimal("0.5"))), "fraction");
      // "2": a string
      case 6 -> new Variant(field, TextNode.valueOf(value.toPlainString()), "string");
      // out of range, written as an integral float
      case 7 -> new Variant(field, DecimalNode.valueOf(BigDecimal.valueOf(Checks.MAX_QUANTITY + 1L + pick)
          .setScale(1)), "out of range, with a fraction of zero");
      // zero or negative, written as an integral float
      default -> new Variant(field, DecimalNode.valueOf(BigDecimal.valueOf(-pick).setScale(1)),
          (pick == 0 ? "zero" : "negative") + ", with a fraction of zero");
    };
  }

  private static void record(String text, String type, boolean accepted, String label) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("type", type);
    line.put("text", text);
    line.put("accepted", accepted);
    line.put("variant", label);
    LINES.add(line.toString());
  }

  @AfterContainer
  static void writeCorpus() {
    try {
      Files.createDirectories(CORPUS.getParent());
      synchronized (LINES) {
        Files.write(CORPUS, LINES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + CORPUS, e);
    }
  }
}
