package io.stocklog.operator;

import io.stocklog.projector.ProjectorConfig;
import io.stocklog.readmodel.SinkConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code status}: gathered by {@link StatusGatherer}, drawn by {@link StatusRenderer}. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {
        "Per partition of the events topic: the log's end offset, the deciding projector's committed position, "
            + "the served read model's position in Postgres and its sink's committed position on the outcomes "
            + "topic, the lag of each, and the dead letters; and the projections in the catalog with their roles.",
        "Lags and dead letters count committed records (read_committed), not offsets: transaction markers and "
            + "aborted records are not counted.",
        "Exit 1 if a topic or the database could not be read."})
final class StatusCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Option(names = "--json", description = "One JSON document, for scripts.")
  boolean json;

  @Override
  public Integer call() {
    StatusReport report = new StatusGatherer(main.kafkaSettings(), ProjectorConfig.fromEnv(main.env).applicationId(),
        SinkConfig.fromEnv(main.env).groupId()).gather();
    if (json) {
      StatusRenderer.json(report, main.out);
    } else {
      StatusRenderer.text(report, main.out);
    }
    return report.problems().isEmpty() ? 0 : 1;
  }
}
