package io.stocklog.query;

/**
 * How current an answer is.
 *
 * @param position the read model's applied position for the partition(s) involved, "p-o" (comma-separated
 *     when several); null when nothing has been applied there yet
 * @param ageMs how long since the sink last confirmed that position; null when it never has
 * @param behind true when the caller asked for a position (minPosition) that the read model had not
 *     reached when the wait ran out
 */
public record Freshness(String position, Long ageMs, boolean behind) {}
