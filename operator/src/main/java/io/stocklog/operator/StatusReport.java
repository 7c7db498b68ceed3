package io.stocklog.operator;

import io.stocklog.readmodel.ProjectionCatalog.Projection;
import io.stocklog.topics.TopicSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code status} shows: gathered by {@link StatusGatherer}, drawn by {@link StatusRenderer}.
 * A non-empty {@link #problems} makes the command exit 1.
 */
record StatusReport(TopicSettings topics, boolean catalogExists, Long catalogVersion, List<ProjectionRow> projections,
    String decider, String deciderApplicationId, String handoffFrom, String serving, String servedSchema,
    String sinkGroup, List<Row> rows, Row totals, boolean decideLagExact, boolean sinkLagExact,
    boolean deadLettersExact, Long deadLetters, List<String> notes, List<String> problems) {

  /**
   * One events partition (partition -1: the totals); a null number is one that does not exist (never
   * committed, no table, no topic).
   */
  record Row(int partition, long logEnd, Long decided, Long decideLag, Long readModel, Long readModelGap,
      Long outcomesEnd, Long sinkCommitted, Long sinkLag, Long deadLetters) {}

  /** One projection of the catalog with its roles. */
  record ProjectionRow(Projection projection, boolean serving, boolean deciding, boolean previous,
      boolean handoffFrom) {

    String roles() {
      List<String> roles = new ArrayList<>();
      if (serving) {
        roles.add("serving");
      }
      if (deciding) {
        roles.add("deciding");
      }
      if (handoffFrom) {
        roles.add("handing over");
      }
      if (previous) {
        roles.add("previous");
      }
      return String.join(", ", roles);
    }
  }
}
