package io.stocklog.projector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.Event;
import io.stocklog.events.EventCodec;
import io.stocklog.events.Events;
import io.stocklog.events.SkuEvent;
import io.stocklog.inventory.RecordDecoder;
import io.stocklog.json.Json;
import io.stocklog.outcomes.Outcome;
import io.stocklog.outcomes.Position;
import io.stocklog.verify.PartitionFold;
import io.stocklog.verify.ReplayListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's fold of a partition ({@link PartitionFold}) and the projector's topology, given the same records
 * poison included, publish the same outcomes with the same positions and skip the same records for the same
 * reasons.
 */
class ReplayDecidesAsTheTopologyTest {

  @TempDir
  Path stateDir;

  record Raw(byte[] key, byte[] value) {}

  @Test
  void sameOutcomesSamePositionsSameDeadLetters() throws Exception {
    List<Raw> records = new ArrayList<>();
    Random random = new Random(11);
    for (Event e : RandomHistory.events(random, 800)) {
      records.add(new Raw(e instanceof SkuEvent s ? bytes(s.sku()) : null, EventCodec.encode(e)));
      if (random.nextInt(25) == 0) {
        records.add(poison(random.nextInt(6)));
      }
    }

    List<Outcome> replayed = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    PartitionFold fold = new PartitionFold(0, ProjectorOptions.defaults().retention(),
        RecordDecoder.DEFAULT_MAX_EVENT_BYTES);
    ReplayListener listener = new ReplayListener() {
      @Override
      public void outcome(Position at, Outcome outcome) {
        replayed.add(outcome);
      }

      @Override
      public void deadLetter(Position at, String error, String eventId) {
        skipped.add(at.offset() + " " + error);
      }
    };
    for (int i = 0; i < records.size(); i++) {
      fold.apply(i, records.get(i).key(), records.get(i).value(), listener);
    }

    List<String> deadLettered = new ArrayList<>();
    List<Outcome> published;
    try (TopologyFixture f = new TopologyFixture(stateDir,
        ProjectorOptions.defaults().withStores(ProjectorOptions.StoreKind.IN_MEMORY))) {
      records.forEach(r -> f.events.pipeInput(r.key(), r.value()));
      published = f.outcomes.readValuesToList();
      for (byte[] letter : f.deadLetters.readValuesToList()) {
        JsonNode json = Json.MAPPER.readTree(letter);
        deadLettered.add(json.get("offset").asLong() + " " + json.get("error").asText());
      }
    }

    assertThat(skipped).hasSizeGreaterThan(20).containsExactlyElementsOf(deadLettered);
    assertThat(fold.deadLetters()).isEqualTo(skipped.size());
    assertThat(replayed).hasSizeGreaterThan(600).containsExactlyElementsOf(published);
  }

  private static Raw poison(int kind) {
    Event e = Events.received("sku-1", "r-x", 3, Instant.parse("2026-11-22T10:00:00Z"));
    return switch (kind) {
      case 0 -> new Raw(bytes("sku-1"), bytes("{not json"));
      case 1 -> new Raw(bytes("sku-2"), EventCodec.encode(e)); // another SKU's key
      case 2 -> new Raw(null, EventCodec.encode(e)); // no key
      case 3 -> new Raw(bytes("sku-1"), new byte[RecordDecoder.DEFAULT_MAX_EVENT_BYTES + 1]);
      case 4 -> new Raw(bytes("sku-1"), bytes("{\"type\":\"StockStolen\"}"));
      default -> new Raw(bytes("sku-1"), bytes(new String(EventCodec.encode(e), StandardCharsets.UTF_8)
          .replace("\"quantity\":3", "\"quantity\":0")));
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
