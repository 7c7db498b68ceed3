package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAccountTest {

  @Test
  void threadsAreGroupedByWhatTheyBelongTo() {
    assertThat(CpuAccount.groupOf("stocklog-projector-6d95a7f5-3e3e-4ed8-b8ca-3046d6b50529-StreamThread-1"))
        .startsWith("projector: Kafka Streams thread");
    assertThat(CpuAccount.groupOf(
        "kafka-producer-network-thread | stocklog-projector-6d95a7f5-3e3e-4ed8-b8ca-3046d6b50529-StreamThread-1-producer"))
        .startsWith("projector: Streams producer I/O");
    assertThat(CpuAccount.groupOf("kafka-producer-network-thread | command-service")).startsWith("command service: producer");
    assertThat(CpuAccount.groupOf("kafka-producer-network-thread | producer-3")).startsWith("benchmark clients");
    assertThat(CpuAccount.groupOf("data-plane-kafka-request-handler-4")).startsWith("Kafka broker");
    assertThat(CpuAccount.groupOf("outcome-sink-stocklog-read-model")).startsWith("projector: read-model sink");
    assertThat(CpuAccount.groupOf("outcome-follower-inventory.outcomes")).startsWith("command service: outcome follower");
    assertThat(CpuAccount.groupOf("ForkJoinPool-1-worker-2")).startsWith("HTTP services");
    assertThat(CpuAccount.groupOf("metrics-meter-tick-thread-1")).isEqualTo(CpuAccount.REST);
  }

  @Test
  void aSnapshotOfThisJvmFindsItsCompilerAndCollectorThreads() {
    CpuAccount.Snapshot s = new CpuAccount().snapshot();
    // This JVM has compiled and collected by now, and /proc is there on Linux.
    assertThat(s.jitNanos()).isPositive();
    assertThat(s.process()).isGreaterThanOrEqualTo(s.jitNanos());
    assertThat(s.byThread()).isNotEmpty();
  }

  @Test
  void betweenChargesEachThreadItsOwnDeltaAndLeavesTheRestToTheRest() {
    String streams = "stocklog-projector-x-StreamThread-1";
    String broker = "data-plane-kafka-request-handler-0";
    CpuAccount.Snapshot before = new CpuAccount.Snapshot(Map.of(1L, 100L, 2L, 50L),
        Map.of(1L, CpuAccount.groupOf(streams), 2L, CpuAccount.groupOf(broker)), 1_000, 10, 5);
    // Thread 3 started during the run and counts from zero; the process spent 400 more than the named threads.
    CpuAccount.Snapshot after = new CpuAccount.Snapshot(Map.of(1L, 700L, 2L, 250L, 3L, 300L),
        Map.of(1L, CpuAccount.groupOf(streams), 2L, CpuAccount.groupOf(broker), 3L, CpuAccount.groupOf(broker)),
        2_000 + 1_000, 110, 55);

    Map<String, Long> spent = CpuAccount.between(before, after);

    assertThat(spent.get(CpuAccount.groupOf(streams))).isEqualTo(600);
    assertThat(spent.get(CpuAccount.groupOf(broker))).isEqualTo(200 + 300);
    assertThat(spent.get(CpuAccount.JIT)).isEqualTo(100);
    assertThat(spent.get(CpuAccount.GC)).isEqualTo(50);
    assertThat(spent.get(CpuAccount.REST)).isEqualTo(2_000 - 600 - 500 - 100 - 50);
    assertThat(spent.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2_000);
  }
}
