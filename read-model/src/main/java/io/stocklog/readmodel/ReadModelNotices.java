package io.stocklog.readmodel;

/**
 * The Postgres notification channel on which the read model announces an applied batch. The writer sends
 * {@code NOTIFY} inside the batch's transaction ({@link ReadModelWriter#apply}), so a listener is told once
 * per committed batch, after it is visible, with the schema it went to as the payload. Notifications are a
 * hint, not a log: a listener that was disconnected misses them, so it must read the positions again after
 * reconnecting (and poll now and then for robustness), never trust that it heard every one.
 */
public final class ReadModelNotices {

  /** A plain lower-case identifier, so {@code LISTEN} needs no quoting. */
  public static final String CHANNEL = "stocklog_applied";

  private ReadModelNotices() {}
}
