package io.stocklog.verify;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link InvariantChecker#check} found.
 *
 * @param eventsReplayed records of the events log decided by the replay (ticks included)
 * @param skusChecked SKUs in the read model, in the fold of the log up to its positions, or both
 * @param reservationsChecked reservations in the read model, in that fold, or both
 * @param violations one precise sentence per violation, e.g. {@code "read model sku X: reserved 5 but HELD
 *     reservations sum to 3"}; empty when every invariant holds
 */
public record InvariantReport(long eventsReplayed, long skusChecked, long reservationsChecked, List<String> violations) {

  /** How many violations {@link #summary()} lists before saying how many more there are. */
  static final int LISTED = 50;

  public InvariantReport {
    violations = List.copyOf(Objects.requireNonNull(violations, "violations"));
  }

  /** True when no invariant is violated. */
  public boolean ok() {
    return violations.isEmpty();
  }

  /** One paragraph for a person: what was checked and, when something is wrong, up to 50 of the violations. */
  public String summary() {
    String checked = String.format(Locale.ROOT, "%,d events replayed, %,d SKUs and %,d reservations checked",
        eventsReplayed, skusChecked, reservationsChecked);
    if (ok()) {
      return "Invariants hold: " + checked + ".";
    }
    StringBuilder s = new StringBuilder();
    s.append(violations.size()).append(violations.size() == 1 ? " invariant violation (" : " invariant violations (")
        .append(checked).append("): ");
    int listed = Math.min(LISTED, violations.size());
    s.append(String.join("; ", violations.subList(0, listed)));
    if (violations.size() > listed) {
      s.append("; and ").append(violations.size() - listed).append(" more");
    }
    return s.append('.').toString();
  }
}
