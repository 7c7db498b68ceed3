package io.stocklog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurabilityTest {

  @Test
  void postgresIsFsyncedByDefaultAndPageCacheWithoutSynchronousCommitOrFsync() {
    assertThat(Durability.ofPostgres("on", "on", "")).isEqualTo(Durability.FSYNC_ONE_MACHINE);
    assertThat(Durability.ofPostgres("on", "local", "")).isEqualTo(Durability.FSYNC_ONE_MACHINE);
    // Without synchronous standbys, remote_write and remote_apply wait for the local flush only.
    assertThat(Durability.ofPostgres("on", "remote_write", "")).isEqualTo(Durability.FSYNC_ONE_MACHINE);
    assertThat(Durability.ofPostgres("on", "off", "")).isEqualTo(Durability.PAGE_CACHE);
    assertThat(Durability.ofPostgres("off", "on", "")).isEqualTo(Durability.PAGE_CACHE);
  }

  @Test
  void postgresWithSynchronousStandbysIsReplicatedUnlessTheCommitSaysLocalOrOff() {
    assertThat(Durability.ofPostgres("on", "on", "standby1")).isEqualTo(Durability.REPLICATED);
    assertThat(Durability.ofPostgres("on", "remote_apply", "ANY 1 (a, b)")).isEqualTo(Durability.REPLICATED);
    assertThat(Durability.ofPostgres("on", "local", "standby1")).isEqualTo(Durability.FSYNC_ONE_MACHINE);
    assertThat(Durability.ofPostgres("on", "off", "standby1")).isEqualTo(Durability.PAGE_CACHE);
  }

  @Test
  void redisIsMemoryWithoutAnAppendOnlyFileAndFsyncedOnlyWithAlways() {
    assertThat(Durability.ofRedis("no", "everysec")).isEqualTo(Durability.MEMORY);
    assertThat(Durability.ofRedis("no", "always")).isEqualTo(Durability.MEMORY);
    assertThat(Durability.ofRedis("yes", "always")).isEqualTo(Durability.FSYNC_ONE_MACHINE);
    assertThat(Durability.ofRedis("yes", "everysec")).isEqualTo(Durability.PAGE_CACHE);
    assertThat(Durability.ofRedis("yes", "no")).isEqualTo(Durability.PAGE_CACHE);
  }

  @Test
  void everyClassHasItsOwnLabelWeakestFirstAndAContenderThatDidNotRunHasNone() {
    List<String> labels = Arrays.stream(Durability.values()).map(Durability::label).toList();
    assertThat(labels).containsExactly("memory only", "page cache", "fsync, one machine", "replicated");
    assertThat(Durability.labelOf(null)).isEmpty();
  }

  @Test
  void theTableShowsEachRunsDurabilityAndJitShareAndNothingForASkippedOne() {
    Percentiles.Summary l = new Percentiles.Summary(1_000, 1_000_000, 2_000_000, 3_000_000, 4_000_000);
    RunResult ran = new RunResult("flash sale", "Redis Lua, appendfsync always", 12, 1_000, 1.0, l, 1_000, 0, 0, 0,
        new Percentiles.Summary(0, 0, 0, 0, 0), null, "", 0, null, Durability.FSYNC_ONE_MACHINE, 0.034, null);
    RunResult skipped = RunResult.skipped("flash sale", "redis-lua-fsync", 12, "no redis-server");

    String[] lines = Report.table(List.of(ran, skipped)).split("\n");

    assertThat(lines[0]).contains("| contender | durability |").contains("| JIT |");
    assertThat(lines[2]).startsWith("| flash sale | Redis Lua, appendfsync always | fsync, one machine | 12 |")
        .contains("| 3% |");
    assertThat(lines[3]).startsWith("| flash sale | redis-lua-fsync |  | 12 |").contains("skipped: no redis-server");
    // Every row has as many cells as the header.
    long cells = lines[0].chars().filter(c -> c == '|').count();
    assertThat(lines[2].chars().filter(c -> c == '|').count()).isEqualTo(cells);
    assertThat(lines[3].chars().filter(c -> c == '|').count()).isEqualTo(cells);
  }
}
