package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  @Test
  void aWarmUpStopsOnceTheJitTakesUnderFivePercentAfterTheMinimumElseAtTheLimit() {
    assertThat(WarmUp.step(2.1, 0.01, 3, 8)).isEqualTo(WarmUp.Step.GO_ON);
    assertThat(WarmUp.step(4.2, 0.049, 3, 8)).isEqualTo(WarmUp.Step.QUIET);
    assertThat(WarmUp.step(4.2, 0.05, 3, 8)).isEqualTo(WarmUp.Step.GO_ON);
    assertThat(WarmUp.step(8.3, 0.12, 3, 8)).isEqualTo(WarmUp.Step.OUT_OF_TIME);
    // Quiet wins over out of time: the report then says the JIT was quiet.
    assertThat(WarmUp.step(8.3, 0.02, 3, 8)).isEqualTo(WarmUp.Step.QUIET);
    // A share that could not be read is never quiet.
    assertThat(WarmUp.step(4.2, Double.NaN, 3, 8)).isEqualTo(WarmUp.Step.GO_ON);
    assertThat(WarmUp.step(8.3, Double.NaN, 3, 8)).isEqualTo(WarmUp.Step.OUT_OF_TIME);
  }

  @Test
  void theJitShareIsTheCompilerThreadsPartOfTheProcesssCpu() {
    CpuAccount.Snapshot before = new CpuAccount.Snapshot(Map.of(1L, 0L), Map.of(1L, CpuAccount.REST), 1_000, 100, 0);
    CpuAccount.Snapshot after = new CpuAccount.Snapshot(Map.of(1L, 0L), Map.of(1L, CpuAccount.REST), 3_000, 150, 0);
    assertThat(CpuAccount.jitShare(before, after)).isEqualTo(0.025);

    CpuAccount.Snapshot noProc = new CpuAccount.Snapshot(Map.of(), Map.of(), 1_000, -1, -1);
    assertThat(CpuAccount.jitShare(noProc, after)).isNaN();
    assertThat(CpuAccount.jitShare(before, before)).isNaN();
  }

  @Test
  void theWarmUpTableSaysWhetherTheJitWasQuietOrTheTimeRanOut() {
    String table = Report.warmUpTable(List.of(
        new WarmUp("flash sale", "Postgres conditional UPDATE", 2, 4.3, 0.021, true),
        new WarmUp("flash sale", "this system's stack, through a Kafka producer", 20, 41.2, 0.23, false),
        new WarmUp("flash sale", "Redis Lua", 4, 8.1, Double.NaN, false)));

    assertThat(table).contains("| flash sale | Postgres conditional UPDATE | 2 | 4 | 2% | JIT quiet |")
        .contains("| this system's stack, through a Kafka producer | 20 | 41 | 23% | time allowed spent, JIT still at or above 5% |")
        .contains("| Redis Lua | 4 | 8 |  | time allowed spent, JIT share unknown |");
    assertThat(Report.warmUpTable(List.of())).isEmpty();
  }

  @Test
  void theCpuTableGivesEachRunsCostPerDecisionWithAndWithoutTheJitAndTheClients() {
    Map<String, Long> cpu = new LinkedHashMap<>();
    cpu.put("projector: Kafka Streams thread (decode, fold, stores, outcome)", 470_000_000L);
    cpu.put(CpuAccount.CLIENTS, 180_000_000L);
    cpu.put(CpuAccount.JIT, 250_000_000L);
    cpu.put(CpuAccount.GC, 100_000_000L);
    Percentiles.Summary l = new Percentiles.Summary(10_000, 1, 1, 1, 1);
    // 10,000 decisions in 2 s: 1 s of CPU is 100 µs a decision and half a core.
    RunResult r = new RunResult("flash sale", "stocklog via Kafka producer", 12, 10_000, 2.0, l, 0, 0, 0, 0, l, null,
        "", 0, cpu, Durability.PAGE_CACHE, 0.25, null);

    String table = Report.cpuTable(List.of(r));

    assertThat(table).contains("| JIT compiler | 25.0 (25%) |")
        .contains("| **all of it** | **100.0** (0.50 cores) |")
        .contains("| **all but the JIT** | **75.0** (0.38 cores) |")
        .contains("| **this system alone: all but the JIT and the benchmark clients** | **57.0** (0.29 cores) |");
    assertThat(CpuAccount.totalWithout(cpu)).isEqualTo(1_000_000_000L);
  }
}
