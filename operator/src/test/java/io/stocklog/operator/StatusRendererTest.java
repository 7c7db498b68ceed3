package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import io.stocklog.operator.StatusReport.ProjectionRow;
import io.stocklog.operator.StatusReport.Row;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.topics.TopicSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The two drawings of one report, from a report built by hand: nothing runs. */
class StatusRendererTest {

  private static final Projection MAIN = new Projection("main", "stocklog-projector", "public",
      "stocklog-read-model", "inventory.outcomes.main", Phase.ACTIVE, Instant.parse("2026-01-02T03:04:05.678Z"));
  private static final Projection R1 = new Projection("r1", "stocklog-projector-r1", "rm_r1",
      "stocklog-read-model-r1", "inventory.outcomes.r1", Phase.BUILDING, null);

  /** A handoff from main to r1 under way: nobody decides; partition 1 has no read model row yet. */
  private static StatusReport duringAHandoff() {
    List<Row> rows = List.of(
        new Row(0, 120, 100L, 20L, 95L, 25L, 80L, 80L, 0L, 1L),
        new Row(1, 30, 30L, 0L, null, null, 10L, 9L, 1L, 0L));
    Row totals = new Row(-1, 150, 130L, 20L, 95L, 25L, 90L, 89L, 1L, 1L);
    return new StatusReport(TopicSettings.defaults(), true, 7L,
        List.of(new ProjectionRow(MAIN, true, false, false, true), new ProjectionRow(R1, false, false, false, false)),
        null, "stocklog-projector", "main", "main", "public", "stocklog-read-model", rows, totals,
        false, true, true, 1L, List.of("a handoff is under way"), List.of());
  }

  @Test
  void jsonKeepsEveryKeyScriptsRead() throws Exception {
    JsonNode root = Json.MAPPER.readTree(draw(out -> StatusRenderer.json(duringAHandoff(), out)));

    assertThat(names(root)).containsExactly("topics", "catalog", "applicationId", "servedSchema", "sinkGroup",
        "partitions", "totals", "exact", "deadLetters", "notes", "problems", "at");
    assertThat(names(root.get("topics"))).containsExactly("events", "outcomes", "deadLetters");
    assertThat(names(root.get("catalog"))).containsExactly("exists", "version", "serving", "deciding",
        "handoffFrom", "projections");
    assertThat(names(root.get("catalog").get("projections").get(0))).containsExactly("name", "status", "schema",
        "applicationId", "sinkGroup", "privateTopic", "createdAt", "serving", "deciding", "previous", "handoffFrom");
    List<String> numbers = List.of("logEnd", "decided", "decideLag", "readModel", "readModelGap", "outcomesEnd",
        "sinkCommitted", "sinkLag", "deadLetters");
    List<String> partition = new ArrayList<>(List.of("partition"));
    partition.addAll(numbers);
    assertThat(names(root.get("partitions").get(0))).containsExactlyElementsOf(partition);
    assertThat(names(root.get("totals"))).containsExactlyElementsOf(numbers);
    assertThat(names(root.get("exact"))).containsExactly("decideLag", "sinkLag", "deadLetters");

    assertThat(root.get("catalog").get("deciding").isNull()).isTrue();
    assertThat(root.get("catalog").get("handoffFrom").asText()).isEqualTo("main");
    assertThat(root.get("partitions").get(1).get("readModel").isNull()).isTrue();
    assertThat(root.get("exact").get("decideLag").asBoolean()).isFalse();
    assertThat(root.get("totals").get("logEnd").asLong()).isEqualTo(150);
  }

  @Test
  void textShowsTheHandoffTheRolesAndWhichCountsAreEstimates() {
    String text = draw(out -> StatusRenderer.text(duringAHandoff(), out));

    assertThat(text).contains("deciding: nobody, a handoff from main is under way")
        .contains("serving:  main (schema public, sink group stocklog-read-model)")
        .contains("note: a handoff is under way")
        .contains("~: too many records to count")
        .contains("dead letters: 1 in " + TopicSettings.defaults().deadLetters());
    assertThat(line(text, "  main ")).contains("ACTIVE", "2026-01-02T03:04:05Z", "serving, handing over");
    assertThat(line(text, "  r1 ")).contains("BUILDING", "rm_r1").endsWith("-");
    assertThat(line(text, "0 ").split("\\s+")).containsExactly("0", "120", "100", "~20", "95", "25", "80", "80",
        "0", "1");
    assertThat(line(text, "1 ").split("\\s+")).containsExactly("1", "30", "30", "~0", "-", "-", "10", "9", "1",
        "0");
    assertThat(line(text, "all ").split("\\s+")).containsExactly("all", "150", "130", "~20", "95", "25", "90",
        "89", "1", "1");
  }

  @Test
  void withoutACatalogTextNamesWhatItLookedAtAndJsonSaysSo() throws Exception {
    StatusReport r = new StatusReport(TopicSettings.defaults(), false, null, List.of(), null, "stocklog-projector",
        null, null, null, "stocklog-read-model", List.of(), null, true, true, true, null, List.of(),
        List.of("the events topic inventory.events does not exist; `topics` creates it"));

    assertThat(draw(out -> StatusRenderer.text(r, out)))
        .contains("projections: no catalog; projector application stocklog-projector, sink group stocklog-read-model")
        .contains("problem: the events topic")
        .doesNotContain("PARTITION", "dead letters:");
    JsonNode root = Json.MAPPER.readTree(draw(out -> StatusRenderer.json(r, out)));
    assertThat(names(root.get("catalog"))).containsExactly("exists");
    assertThat(root.has("totals")).isFalse();
    assertThat(root.get("deadLetters").isNull()).isTrue();
  }

  private static String draw(Consumer<PrintStream> renderer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      renderer.accept(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + text));
  }
}
