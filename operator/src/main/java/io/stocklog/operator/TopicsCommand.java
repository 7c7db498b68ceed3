package io.stocklog.operator;

import io.stocklog.topics.TopicSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code topics}: see {@link TopicCheck}. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {
        "Create the events, outcomes and dead-letter topics where they are missing (as every service does at "
            + "start) and compare each with what that creates, reporting per topic: created, ok, drift or missing.",
        "Drift is what breaks the service or weakens its guarantees (the services refuse to start on drift of "
            + "the events topic); each comes with how to fix it. Harmless differences are shown as notes. "
            + "Nothing is created while the events topic has the wrong partition count.",
        "Exit 1 on drift, or with --check on a missing topic."})
final class TopicsCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Option(names = "--check", description = "Only verify; create nothing.")
  boolean check;

  @Override
  public Integer call() {
    OperatorSettings s = main.kafkaSettings();
    TopicSettings t = s.topics();
    main.out.printf("expected on %s: %d partitions (STOCKLOG_PARTITIONS), replication %d (STOCKLOG_REPLICATION),"
        + " min.insync.replicas %d (STOCKLOG_MIN_INSYNC)%n", s.bootstrapServers(), t.partitions(), t.replication(),
        t.minInsync());
    try (Admin admin = CommittedRecords.admin(s.bootstrapServers(), Duration.ofSeconds(30))) {
      TopicCheck.Result result = new TopicCheck(admin, t, s.bootstrapServers()).run(check);
      TopicCheck.print(result, main.out);
      return result.failed() ? 1 : 0;
    }
  }
}
