package io.stocklog.outcomes;

/**
 * A place in {@code inventory.events}: partition and offset. Its {@link #token()} is what the HTTP API
 * hands out as an opaque position token; the read model records how far it has applied each partition,
 * so a token can be compared with it.
 */
public record Position(int partition, long offset) implements Comparable<Position> {

  public Position {
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0 (was " + partition + ")");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0 (was " + offset + ")");
    }
  }

  public String token() {
    return partition + "-" + offset;
  }

  /** Parses a token made by {@link #token()}; the message says what is wrong with it. */
  public static Position parse(String token) {
    if (token == null || token.isEmpty() || token.length() > 40) {
      throw malformed(token, null);
    }
    int dash = token.indexOf('-');
    // Digits only: parseInt/parseLong would also take "+1-+2" or "1--2", which token() never makes.
    if (dash <= 0 || dash == token.length() - 1 || !digits(token, 0, dash)
        || !digits(token, dash + 1, token.length())) {
      throw malformed(token, null);
    }
    try {
      return new Position(
          Integer.parseInt(token, 0, dash, 10), Long.parseLong(token, dash + 1, token.length(), 10));
    } catch (NumberFormatException e) {
      throw malformed(token, e);
    }
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException malformed(String token, NumberFormatException cause) {
    String shown = token == null ? "null"
        : '"' + (token.length() <= 40 ? token : token.substring(0, 40) + "...") + '"';
    return new IllegalArgumentException(
        "position token must be <partition>-<offset>, two non-negative integers (was " + shown + ")", cause);
  }

  @Override
  public int compareTo(Position other) {
    int byPartition = Integer.compare(partition, other.partition);
    return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
  }

  @Override
  public String toString() {
    return token();
  }
}
