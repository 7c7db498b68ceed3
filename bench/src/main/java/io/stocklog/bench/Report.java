package io.stocklog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Writes the figures as a Markdown table and PNG charts into the results folder. */
final class Report {

  private Report() {}

  static String table(List<RunResult> results) {
    StringBuilder b = new StringBuilder();
    b.append("| workload | contender | durability | parts | load | decisions | decisions/s | p50 ms | p95 ms | p99 ms "
        + "| max ms | granted | oversold | retries | visible p50/p99 ms | JIT | note |\n");
    b.append("| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        + "| --- |\n");
    for (RunResult r : results) {
      if (r.skipped() != null) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | | | | | | | | | | | | | skipped: %s |%n",
            r.workload(), r.contender(), Durability.labelOf(r.durability()), r.partitions(), r.skipped()));
        continue;
      }
      String visible = r.visible().count() == 0 ? "" : ms(r.visible().p50()) + " / " + ms(r.visible().p99())
          + " (n=" + r.visible().count() + ")";
      b.append(String.format(Locale.ROOT,
          "| %s | %s | %s | %d | %s | %,d | %,.0f | %s | %s | %s | %s | %,d | %d | %,d | %s | %s | %s |%n",
          r.workload(), r.contender(), Durability.labelOf(r.durability()), r.partitions(), load(r), r.decisions(),
          r.throughput(), ms(r.latency().p50()), ms(r.latency().p95()), ms(r.latency().p99()), ms(r.latency().max()),
          r.granted(), r.oversold(), r.retries(), visible, percent(r.jitShare()), r.note() == null ? "" : r.note()));
    }
    return b.toString();
  }

  /** A share as a whole percentage; empty when not known. */
  static String percent(double share) {
    return Double.isNaN(share) ? "" : String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  /** How each warm-up ended: the JIT quiet (under 5% of the CPU in a round), or the time allowed spent. */
  static String warmUpTable(List<WarmUp> warmUps) {
    if (warmUps.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(
        "| workload | warmed up | rounds | seconds | JIT share of the CPU, last round | ended |\n"
            + "| --- | --- | ---: | ---: | ---: | --- |\n");
    for (WarmUp w : warmUps) {
      String ended = w.quiet() ? "JIT quiet"
          : String.format(Locale.ROOT, "time allowed spent, JIT %s", Double.isNaN(w.lastJitShare())
              ? "share unknown" : "still at or above " + percent(WarmUp.QUIET));
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s | %s |%n", w.workload(), w.contender(),
          w.rounds(), w.seconds(), percent(w.lastJitShare()), ended));
    }
    return b.toString();
  }

  /**
   * Where the CPU went in this system's runs: per part of the system, microseconds of CPU per decision and the
   * share of the process's CPU. The stack, its broker and the benchmark's clients share this JVM and its cores.
   */
  static String cpuTable(List<RunResult> results) {
    List<RunResult> rs = results.stream().filter(r -> r.cpu() != null && r.decisions() > 0).toList();
    if (rs.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("| CPU per decision: µs (share) |");
    rs.forEach(r -> b.append(' ').append(r.workload()).append(", ").append(shortName(r.contender())).append(", ")
        .append(r.partitions()).append(" parts, ").append(load(r)).append(" |"));
    b.append("\n| --- |").append(" ---: |".repeat(rs.size())).append('\n');
    for (String group : rs.get(0).cpu().keySet()) {
      b.append("| ").append(group).append(" |");
      for (RunResult r : rs) {
        long total = r.cpu().values().stream().mapToLong(Long::longValue).sum();
        long spent = r.cpu().getOrDefault(group, 0L);
        b.append(String.format(Locale.ROOT, " %.1f (%.0f%%) |", spent / 1e3 / r.decisions(), 100.0 * spent / Math.max(1, total)));
      }
      b.append('\n');
    }
    totalLine(b, "**all of it**", rs);
    // The JIT is still compiling after the warm-ups the default run can afford; what a decision costs once it is
    // done is the rest. The benchmark's clients would be on other machines in production.
    totalLine(b, "**all but the JIT**", rs, CpuAccount.JIT);
    totalLine(b, "**this system alone: all but the JIT and the benchmark clients**", rs, CpuAccount.JIT,
        CpuAccount.CLIENTS);
    return b.toString();
  }

  /**
   * What this system's runs appended to their broker, per decision, by what the records are: the table the
   * performance work is judged by (every record is work for the broker and every reader of its topic).
   */
  static String logRecordsTable(List<RunResult> results) {
    List<RunResult> rs = results.stream().filter(r -> r.appended() != null && r.decisions() > 0).toList();
    if (rs.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("| records appended to the broker per decision |");
    rs.forEach(r -> b.append(' ').append(r.workload()).append(", ").append(shortName(r.contender())).append(", ")
        .append(load(r)).append(" |"));
    b.append("\n| --- |").append(" ---: |".repeat(rs.size())).append('\n');
    for (String group : rs.get(0).appended().keySet()) {
      b.append("| ").append(group).append(" |");
      rs.forEach(r -> b.append(String.format(Locale.ROOT, " %.2f |",
          r.appended().getOrDefault(group, 0L) / (double) r.decisions())));
      b.append('\n');
    }
    b.append("| **all of them** |");
    rs.forEach(r -> b.append(String.format(Locale.ROOT, " **%.2f** |",
        r.appended().values().stream().mapToLong(Long::longValue).sum() / (double) r.decisions())));
    return b.append('\n').toString();
  }

  /** A line of µs of CPU per decision and cores kept busy, over every group but {@code excluded}. */
  private static void totalLine(StringBuilder b, String title, List<RunResult> rs, String... excluded) {
    b.append("| ").append(title).append(" |");
    for (RunResult r : rs) {
      long spent = CpuAccount.totalWithout(r.cpu(), excluded);
      b.append(String.format(Locale.ROOT, " **%.1f** (%.2f cores) |", spent / 1e3 / r.decisions(), spent / 1e9 / r.seconds()));
    }
    b.append('\n');
  }

  private static String shortName(String contender) {
    return contender.replace("stocklog via ", "").replace("Kafka by SKU + OCC consumer (seed)", "seed");
  }

  /** "max" for a closed loop (as fast as answered), else the open-loop rate offered. */
  static String load(RunResult r) {
    return r.offeredRate() > 0 ? String.format(Locale.ROOT, "open %,.0f/s", r.offeredRate()) : "max";
  }

  static String ms(long nanos) {
    double ms = nanos / 1e6;
    return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
  }

  static void write(Path dir, String header, List<RunResult> results, List<WarmUp> warmUps) throws IOException {
    Files.createDirectories(dir);
    String cpu = cpuTable(results);
    String records = logRecordsTable(results);
    String warm = warmUpTable(warmUps);
    Files.writeString(dir.resolve("results.md"), header + "\n" + table(results)
        + (warm.isEmpty() ? "" : "\nHow each warm-up ended (rounds of 2 s until the JIT took under 5% of this JVM's CPU"
            + " in a round, or the time allowed was spent):\n\n" + warm)
        + (cpu.isEmpty() ? "" : "\nWhere the CPU went in this system's runs (one JVM: broker, services and the benchmark's"
            + " clients), per decision and as a share of all of it; the last lines leave out the JIT, then the clients"
            + " too:\n\n" + cpu)
        + (records.isEmpty() ? "" : "\nRecords this system's runs appended to the broker (end offsets' growth, commit"
            + " markers included), per decision:\n\n" + records));
    Map<String, List<RunResult>> byWorkload = new LinkedHashMap<>();
    for (RunResult r : results) {
      // The charts compare maxima: open-loop runs are in the table only.
      if (r.skipped() == null && !r.workload().equals("scaling") && r.offeredRate() == 0) {
        byWorkload.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
      }
    }
    for (var e : byWorkload.entrySet()) {
      barCharts(dir.resolve(e.getKey().replace(' ', '-') + ".png"), e.getKey(), e.getValue());
    }
    List<RunResult> scaling = results.stream()
        .filter(r -> r.workload().equals("scaling") && r.skipped() == null && r.offeredRate() == 0).toList();
    if (!scaling.isEmpty()) {
      scalingChart(dir.resolve("scaling.png"), scaling);
    }
  }

  private static void barCharts(Path file, String workload, List<RunResult> rs) throws IOException {
    List<String> names = rs.stream().map(RunResult::contender).toList();
    CategoryChart tput = bar(workload + ": decisions per second (log scale)", "decisions/s");
    tput.getStyler().setYAxisMin(10.0);
    tput.addSeries("decisions/s", names, rs.stream().map(r -> Math.max(1.0, r.throughput())).toList());
    CategoryChart p99 = bar(workload + ": p99 request to known outcome (ms, log scale)", "p99 ms");
    p99.getStyler().setYAxisMin(0.1);
    p99.addSeries("p99 ms", names, rs.stream().map(r -> Math.max(0.01, r.latency().p99() / 1e6)).toList());
    List<Chart<?, ?>> charts = List.of(tput, p99);
    try {
      BitmapEncoder.saveBitmap(charts, 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IllegalArgumentException logScaleRefused) {
      // XChart refuses a log axis in some layouts; a linear one with value labels still reads.
      tput.getStyler().setYAxisLogarithmic(false);
      p99.getStyler().setYAxisLogarithmic(false);
      tput.setTitle(workload + ": decisions per second");
      p99.setTitle(workload + ": p99 request to known outcome (ms)");
      BitmapEncoder.saveBitmap(charts, 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static CategoryChart bar(String title, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(900).height(650).title(title).yAxisTitle(yTitle).build();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(60);
    c.getStyler().setLabelsVisible(true);
    c.getStyler().setDecimalPattern("#,##0.##");
    return c;
  }

  private static void scalingChart(Path file, List<RunResult> rs) throws IOException {
    XYChart c = new XYChartBuilder().width(900).height(600).title("catalogue workload: decisions per second by partitions")
        .xAxisTitle("partitions").yAxisTitle("decisions/s").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    Map<String, List<RunResult>> byContender = new LinkedHashMap<>();
    rs.forEach(r -> byContender.computeIfAbsent(r.contender(), k -> new ArrayList<>()).add(r));
    for (var e : byContender.entrySet()) {
      c.addSeries(e.getKey(), e.getValue().stream().map(r -> (double) r.partitions()).toList(),
          e.getValue().stream().map(RunResult::throughput).toList());
    }
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
