package io.stocklog.operator;

import io.stocklog.projector.ProjectorConfig;
import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ReadModelSchema;
import io.stocklog.verify.LogReplay;
import io.stocklog.verify.ReadModelDiff;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code verify}: folds the log again, in memory, into a shadow projection (the same fold the projector runs,
 * with the same retention) up to exactly the positions the read model has applied, read in one snapshot,
 * and compares the two row by row. Exit code 3 when they differ.
 *
 * <p>A read model is applied in batches of outcomes, and the outcomes of one event (the expiries it
 * triggered, then its own decision) can straddle two batches: a snapshot taken between them looks one
 * event short. So a difference found on a live system is checked again on a fresh snapshot, and only what
 * persists is reported.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
        "Rebuild a shadow projection from the log in memory and compare it row by row with the live read model, "
            + "up to the same positions.",
        "Prints every differing SKU and reservation; exits 3 if any differ."})
final class Verify implements Callable<Integer> {

  static final int DIFFERENT = 3;
  private static final int SHOWN = 200;

  @ParentCommand Main main;
  @Option(names = "--projection", description = "The projection to verify (default: the one served).")
  String projection;
  @Option(names = "--attempts", defaultValue = "3",
      description = "Fresh snapshots to try before reporting differences (default ${DEFAULT-VALUE}).")
  int attempts;

  @Override
  public Integer call() throws Exception {
    OperatorSettings settings = main.kafkaSettings();
    ProjectorConfig projector = ProjectorConfig.fromEnv(main.env);
    try (Connections c = new Connections(settings)) {
      String name = projection;
      String schema;
      var state = c.catalog().read();
      if (state.isEmpty()) {
        if (name != null) {
          throw new IllegalStateException("no projection catalog in this database, so no projection " + name);
        }
        name = ProjectionCatalog.INITIAL;
        schema = ReadModelSchema.DEFAULT_SCHEMA;
      } else {
        ProjectionCatalog.Projection p = name == null ? state.get().serving()
            : state.get().projection(name).orElseThrow(() -> new IllegalArgumentException("no projection " + projection));
        name = p.name();
        schema = p.schema();
      }
      LogReplay replay = LogReplay.of(settings.bootstrapServers(), projector.topics().events())
          .withRetention(projector.retention());
      long start = System.nanoTime();
      ReadModelDiff diff = null;
      for (int attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
        diff = ReadModelDiff.compare(replay, c.schema(schema), schema);
        if (diff.matches()) {
          break;
        }
        if (attempt < attempts) {
          Thread.sleep(2_000);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      main.out.printf("projection %s (schema %s), positions %s: %,d events replayed, %,d SKUs, %,d reservations "
          + "and %,d orders compared in %.1f s%n", name, schema, diff.through(), diff.eventsReplayed(),
          diff.skusCompared(), diff.reservationsCompared(), diff.ordersCompared(), seconds);
      if (diff.matches()) {
        main.out.println("no differences: the read model is the fold of the log up to its positions");
        return 0;
      }
      List<ReadModelDiff.Difference> shown = diff.differences().stream().limit(SHOWN).toList();
      main.out.printf("%d difference(s)%s:%n", diff.differences().size(),
          diff.differences().size() > SHOWN ? " (the first " + SHOWN + ")" : "");
      shown.forEach(d -> main.out.println("  " + d.describe()));
      return DIFFERENT;
    }
  }
}
