package io.stocklog.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.json.Json;
import io.stocklog.operator.StatusReport.ProjectionRow;
import io.stocklog.operator.StatusReport.Row;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.topics.TopicSettings;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a {@link StatusReport}: as tables for a person ({@link #text}), or as one JSON document for scripts
 * ({@link #json}), whose keys are an interface: rename none.
 */
final class StatusRenderer {

  private StatusRenderer() {}

  static void text(StatusReport r, PrintStream out) {
    TopicSettings t = r.topics();
    out.printf("events %s, outcomes %s, dead letters %s%n", t.events(), t.outcomes(), t.deadLetters());
    out.println();
    if (r.catalogExists()) {
      out.printf("projections (catalog %s.projection, version %d):%n", ProjectionCatalog.SCHEMA, r.catalogVersion());
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"NAME", "STATUS", "SCHEMA", "APPLICATION ID", "SINK GROUP", "CREATED", "ROLE"});
      for (ProjectionRow p : r.projections()) {
        Projection x = p.projection();
        lines.add(new String[] {x.name(), x.phase().name(), x.schema(), x.applicationId(), x.sinkGroup(),
            x.createdAt() == null ? "-" : x.createdAt().truncatedTo(ChronoUnit.SECONDS).toString(),
            p.roles()});
      }
      table(out, "  ", lines);
      if (r.decider() != null) {
        out.printf("deciding: %s (application %s)%n", r.decider(), r.deciderApplicationId());
      } else {
        out.printf("deciding: nobody, a handoff from %s is under way%n", r.handoffFrom());
      }
      out.printf("serving:  %s (schema %s, sink group %s)%n", r.serving(), r.servedSchema(), r.sinkGroup());
    } else {
      out.printf("projections: no catalog; projector application %s, sink group %s%n", r.deciderApplicationId(),
          r.sinkGroup());
    }
    if (!r.rows().isEmpty()) {
      out.println();
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"PARTITION", "LOG END", "DECIDED", "DECIDE LAG", "READ MODEL", "GAP<=", "OUTCOMES END",
          "SINK", "SINK LAG", "DEAD LETTERS"});
      for (Row row : r.rows()) {
        lines.add(cells(Integer.toString(row.partition()), row, r));
      }
      lines.add(cells("all", r.totals(), r));
      table(out, "", lines);
      out.println();
      out.println("LOG END: the events topic's end offset. DECIDED: the deciding projector's committed offset;"
          + " DECIDE LAG: events after it.");
      out.println("READ MODEL: applied_offset + 1 of the served read model. It moves only on events that produced"
          + " outcomes (not on ticks or dead letters), so GAP<= (LOG END - READ MODEL) bounds the staleness from"
          + " above; SINK LAG is exact.");
      out.println("SINK: the served sink group's committed offset on the outcomes topic; SINK LAG: committed"
          + " outcomes after it, not yet in the read model.");
      if (!r.decideLagExact() || !r.sinkLagExact() || !r.deadLettersExact()) {
        out.println("~: too many records to count; the offset distance is shown, which also counts transaction"
            + " markers and aborted records.");
      }
    }
    if (r.deadLetters() != null) {
      out.printf("dead letters: %s%s in %s%s%n", r.deadLettersExact() ? "" : "~", r.deadLetters(), t.deadLetters(),
          r.deadLetters() > 0 ? " (`dlq list` shows them)" : "");
    }
    for (String note : r.notes()) {
      out.println("note: " + note);
    }
    for (String problem : r.problems()) {
      out.println("problem: " + problem);
    }
  }

  private static String[] cells(String label, Row row, StatusReport r) {
    return new String[] {label, Long.toString(row.logEnd()), n(row.decided(), true),
        n(row.decideLag(), r.decideLagExact()), n(row.readModel(), true), n(row.readModelGap(), true),
        n(row.outcomesEnd(), true), n(row.sinkCommitted(), true), n(row.sinkLag(), r.sinkLagExact()),
        n(row.deadLetters(), r.deadLettersExact())};
  }

  private static String n(Long v, boolean exact) {
    return v == null ? "-" : (exact ? "" : "~") + v;
  }

  private static void table(PrintStream out, String indent, List<String[]> lines) {
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (String[] line : lines) {
      StringBuilder b = new StringBuilder(indent);
      for (int i = 0; i < line.length; i++) {
        b.append(line[i]);
        if (i < line.length - 1) {
          b.append(" ".repeat(widths[i] - line[i].length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
  }

  static void json(StatusReport r, PrintStream out) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode topics = root.putObject("topics");
    topics.put("events", r.topics().events());
    topics.put("outcomes", r.topics().outcomes());
    topics.put("deadLetters", r.topics().deadLetters());
    ObjectNode catalog = root.putObject("catalog");
    catalog.put("exists", r.catalogExists());
    if (r.catalogExists()) {
      catalog.put("version", r.catalogVersion());
      catalog.put("serving", r.serving());
      catalog.put("deciding", r.decider());
      catalog.put("handoffFrom", r.handoffFrom());
      ArrayNode list = catalog.putArray("projections");
      for (ProjectionRow p : r.projections()) {
        Projection x = p.projection();
        ObjectNode o = list.addObject();
        o.put("name", x.name());
        o.put("status", x.phase().name());
        o.put("schema", x.schema());
        o.put("applicationId", x.applicationId());
        o.put("sinkGroup", x.sinkGroup());
        o.put("privateTopic", x.privateTopic());
        o.put("createdAt", x.createdAt() == null ? null : x.createdAt().toString());
        o.put("serving", p.serving());
        o.put("deciding", p.deciding());
        o.put("previous", p.previous());
        o.put("handoffFrom", p.handoffFrom());
      }
    }
    root.put("applicationId", r.deciderApplicationId());
    root.put("servedSchema", r.servedSchema());
    root.put("sinkGroup", r.sinkGroup());
    ArrayNode rows = root.putArray("partitions");
    for (Row row : r.rows()) {
      ObjectNode o = rows.addObject();
      o.put("partition", row.partition());
      row(o, row);
    }
    if (r.totals() != null) {
      row(root.putObject("totals"), r.totals());
    }
    ObjectNode exact = root.putObject("exact");
    exact.put("decideLag", r.decideLagExact());
    exact.put("sinkLag", r.sinkLagExact());
    exact.put("deadLetters", r.deadLettersExact());
    if (r.deadLetters() == null) {
      root.putNull("deadLetters");
    } else {
      root.put("deadLetters", r.deadLetters());
    }
    r.notes().forEach(root.putArray("notes")::add);
    r.problems().forEach(root.putArray("problems")::add);
    root.put("at", Instant.now().toString());
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode row(ObjectNode o, Row row) {
    o.put("logEnd", row.logEnd());
    o.put("decided", row.decided());
    o.put("decideLag", row.decideLag());
    o.put("readModel", row.readModel());
    o.put("readModelGap", row.readModelGap());
    o.put("outcomesEnd", row.outcomesEnd());
    o.put("sinkCommitted", row.sinkCommitted());
    o.put("sinkLag", row.sinkLag());
    o.put("deadLetters", row.deadLetters());
    return o;
  }
}
