package io.stocklog.bench;

/**
 * The figures of one contender on the carts workload.
 *
 * @param placed placings decided (held or rejected)
 * @param seconds from the first placing sent to the last placing decided
 * @param latency placing sent to its decision known
 * @param held, rejected what the placings got
 * @param confirmed, late, cancelled confirms done, confirms refused because the hold had ended, cancels done
 * @param answeredPartial answers that themselves showed lines not going together
 * @param errors requests that failed or were never answered
 * @param figures stranded, oversold and partial from the final state; null if it could not be read
 * @param settleSeconds from the end of the run until every hold had ended and the final state was read
 * @param skipped why it did not run, or null
 */
record CartResult(String contender, Durability durability, double offeredRate, long placed, double seconds,
    Percentiles.Summary latency, long held, long rejected, long confirmed, long late, long cancelled,
    long answeredPartial, long errors, CartAccount.Figures figures, double settleSeconds, double jitShare,
    String note, String skipped) {

  double throughput() {
    return seconds <= 0 ? 0 : placed / seconds;
  }

  static CartResult skipped(String contender, String reason) {
    Percentiles.Summary none = new Percentiles.Summary(0, 0, 0, 0, 0);
    return new CartResult(contender, null, 0, 0, 0, none, 0, 0, 0, 0, 0, 0, 0, null, 0, Double.NaN, "", reason);
  }

  CartResult withNote(String text) {
    String joined = note == null || note.isEmpty() ? text : note + "; " + text;
    return new CartResult(contender, durability, offeredRate, placed, seconds, latency, held, rejected, confirmed,
        late, cancelled, answeredPartial, errors, figures, settleSeconds, jitShare, joined, skipped);
  }
}
