package io.stocklog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the carts workload's figures as a Markdown table, {@code carts.md} in the results folder. */
final class CartReport {

  /** The seed architecture's row: it has no way to hold a cart all or nothing. */
  static final String SEED_DOES_NOT_APPLY = "does not apply: no multi-line transaction (the seed decides each SKU's"
      + " events on its own partition, one SKU per event; a cart's lines would be held or refused one by one)";

  private CartReport() {}

  static String table(List<CartResult> results) {
    StringBuilder b = new StringBuilder();
    b.append("| contender | durability | load | orders decided | orders/s | p50 ms | p95 ms | p99 ms | max ms | held "
        + "| rejected | confirmed | confirm too late | cancelled | stranded units | oversold units | partial orders "
        + "| settle s | JIT | note |\n");
    b.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        + "| ---: | ---: | ---: | ---: | --- |\n");
    for (CartResult r : results) {
      if (r.skipped() != null) {
        String why = r.skipped().startsWith("does not apply") ? r.skipped() : "skipped: " + r.skipped();
        b.append(String.format(Locale.ROOT, "| %s | %s |%s %s |%n", r.contender(),
            Durability.labelOf(r.durability()), " |".repeat(17), why));
        continue;
      }
      CartAccount.Figures f = r.figures();
      String load = r.offeredRate() > 0 ? String.format(Locale.ROOT, "open %,.0f/s", r.offeredRate()) : "max";
      b.append(String.format(Locale.ROOT,
          "| %s | %s | %s | %,d | %,.0f | %s | %s | %s | %s | %,d | %,d | %,d | %,d | %,d | %s | %s | %s | %.1f | %s | %s |%n",
          r.contender(), Durability.labelOf(r.durability()), load, r.placed(), r.throughput(),
          Report.ms(r.latency().p50()), Report.ms(r.latency().p95()), Report.ms(r.latency().p99()),
          Report.ms(r.latency().max()), r.held(), r.rejected(), r.confirmed(), r.late(), r.cancelled(),
          f == null ? "?" : String.format(Locale.ROOT, "%,d", f.stranded()),
          f == null ? "?" : String.format(Locale.ROOT, "%,d", f.oversold()),
          f == null ? "?" : String.format(Locale.ROOT, "%,d", f.partial()),
          r.settleSeconds(), Report.percent(r.jitShare()), note(r)));
    }
    return b.toString();
  }

  private static String note(CartResult r) {
    String note = r.note() == null ? "" : r.note();
    if (r.answeredPartial() > 0) {
      note = (note.isEmpty() ? "" : note + "; ") + r.answeredPartial() + " answers showed lines not going together";
    }
    return note;
  }

  static void write(Path dir, String header, List<CartResult> results, List<WarmUp> warmUps) throws IOException {
    Files.createDirectories(dir);
    String warm = Report.warmUpTable(warmUps);
    Files.writeString(dir.resolve("carts.md"), header + "\n" + table(results)
        + (warm.isEmpty() ? "" : "\nThe warm-up runs (one each; \"JIT quiet\" if the JIT took under 5% of this JVM's"
            + " CPU over it):\n\n" + warm));
  }
}
