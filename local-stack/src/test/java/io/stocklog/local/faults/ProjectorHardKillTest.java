package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.local.LocalStack;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The projector process killed with SIGKILL in the middle of deciding a steady stream of commands (no
 * shutdown hook, no Streams close, a transaction left open), then started again on the same state
 * directory and application ID, as a supervisor restarts a crashed container. Exactly-once must hold: every
 * accepted event decided once, none doubled by the replay of the uncommitted tail, none lost, and the read
 * model equal to a fold of the log.
 *
 * <p>The process runs with {@code STOCKLOG_KAFKA_SESSION_TIMEOUT_MS=6000}: a killed member holds its
 * partitions until its session times out (45 s by default), and the restarted one waits that long for them.
 */
@WithInfra
class ProjectorHardKillTest {

  private static final List<String> SKUS = List.of("KILL-1", "KILL-2", "KILL-3", "KILL-4", "KILL-5");
  /** Decisions applied before the kill, so that it falls in the middle of the stream. */
  private static final long DECIDED_BEFORE_KILL = 300;

  @Test
  void aProjectorKilledMidStreamAndRestartedLeavesNoDecisionDoubledOrLost(TestKafka kafka) throws Exception {
    LocalStack.Options options = Stacks.onCluster(kafka, "kill", 3)
        .withoutProjector()
        .env("STOCKLOG_KAFKA_SESSION_TIMEOUT_MS", "6000");
    try (LocalStack stack = LocalStack.start(options)) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      DataSource readModel = FaultCheck.readModel(stack);
      Ledger ledger = new Ledger();
      ProjectorProcess first = ProjectorProcess.start(stack.joiningEnvironment(), "projector-before-kill");
      ProjectorProcess second = null;
      try {
        long firstReadyMs = first.awaitReady(client, Duration.ofSeconds(90));
        for (String sku : SKUS) {
          assertThat(ledger.record(sku, "r-0-" + sku, client.receipt(sku, "r-0-" + sku, 300, 20)).status())
              .as("stock for %s", sku).isEqualTo(200);
        }
        int exit;
        long killedAt;
        long appliedAtKill;
        long acceptedAtKill;
        long secondReadyMs;
        long resumedMs;
        long uncommittedAtKill;
        try (SteadyLoad load = new SteadyLoad("kill", client, ledger, SKUS, 4, Duration.ofMillis(10), null).start()) {
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (applied(readModel) < DECIDED_BEFORE_KILL && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(applied(readModel)).as("decisions applied before the kill").isGreaterThanOrEqualTo(DECIDED_BEFORE_KILL);
          acceptedAtKill = ledger.accepted();
          appliedAtKill = applied(readModel);
          killedAt = System.nanoTime();
          exit = first.kill();
          assertThat(exit).as("exit code of a process killed by SIGKILL (128 + 9)").isEqualTo(137);
          uncommittedAtKill = uncommitted(kafka, stack);

          Thread.sleep(2_000); // commands keep coming while no projector runs: accepted, not yet decided
          second = ProjectorProcess.start(stack.joiningEnvironment(), "projector-after-kill");
          secondReadyMs = second.awaitReady(client, Duration.ofSeconds(90));
          long resumeDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          while (applied(readModel) <= appliedAtKill && System.nanoTime() < resumeDeadline) {
            Thread.sleep(20);
          }
          resumedMs = (System.nanoTime() - killedAt) / 1_000_000;
          Thread.sleep(2_000); // and go on being decided after the restart
        }
        assertThat(ledger.unexpected()).as("answers against the contract").isEmpty();
        assertThat(ledger.byStatus().keySet()).as("command answers").isSubsetOf(200, 202);
        long acceptedWhileDown = ledger.accepted() - acceptedAtKill;

        long convergeMillis = FaultCheck.awaitConverged(readModel, ledger, Duration.ofSeconds(90));
        LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, ledger.acceptedEventIds());
        // Outcomes the killed process had written in its open transaction: aborted, so no reader of
        // decisions ever saw them, and decided again by the restarted process. Timing decides how many.
        long aborted = LogAudit.abortedRecords(stack.bootstrapServers(), stack.topics().outcomes(),
            stack.topics().partitions());
        FaultCheck.report("projector-hard-kill", "signal=SIGKILL exit=" + exit + " load=4_writers commands_sent="
            + ledger.sent() + " decided_before_kill=" + appliedAtKill + " accepted_after_kill=" + acceptedWhileDown
            + " " + figures.line() + " events_past_last_commit_at_kill=" + uncommittedAtKill
            + " aborted_outcomes_of_killed_transaction=" + aborted + " session_timeout_ms=6000 first_process_ready_ms=" + firstReadyMs
            + " restarted_process_ready_ms=" + secondReadyMs + " kill_to_decisions_again_ms=" + resumedMs
            + " convergence_after_load_stop_ms=" + convergeMillis);
      } catch (AssertionError | RuntimeException e) {
        ProjectorProcess.printTails(first, second);
        throw e;
      } finally {
        ProjectorProcess.closeAll(first, second);
      }
    }
  }

  /**
   * Events of the log past the projector group's committed offsets, right after the kill: what the killed
   * process had not committed (read and decided in its open transaction, or not read yet), which the next
   * process must decide, once.
   */
  private static long uncommitted(TestKafka kafka, LocalStack stack) throws Exception {
    String group = stack.joiningEnvironment().get("STOCKLOG_PROJECTOR_APP_ID");
    try (Admin admin = kafka.newAdmin()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < stack.topics().partitions(); p++) {
        latest.put(new TopicPartition(stack.topics().events(), p), OffsetSpec.latest());
      }
      long behind = 0;
      for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
        OffsetAndMetadata at = committed.get(e.getKey());
        behind += e.getValue().offset() - (at == null ? 0 : at.offset());
      }
      return behind;
    }
  }

  /** Outcomes' events applied by the read model so far: the sum over partitions of applied offsets + 1. */
  private static long applied(DataSource readModel) {
    Map<Integer, Long> offsets = new TreeMap<>();
    try (var c = readModel.getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("select events_partition, applied_offset from applied_position")) {
      while (rs.next()) {
        offsets.put(rs.getInt(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      return 0;
    }
    return offsets.values().stream().mapToLong(o -> o + 1).sum();
  }
}
