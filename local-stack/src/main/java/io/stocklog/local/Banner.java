package io.stocklog.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the one-command stack prints once it runs: where each part is, where its data lives, the one line that
 * lets the operator CLI and outside Kafka clients join it, and requests to try that work as printed.
 */
final class Banner {

  /** What a joining process needs, in this order; the projector's own state directory is not among it. */
  private static final List<String> JOINING = List.of("KAFKA_BOOTSTRAP_SERVERS", "STOCKLOG_PARTITIONS",
      "STOCKLOG_JDBC_URL", "STOCKLOG_JDBC_USER", "STOCKLOG_EVENTS_TOPIC", "STOCKLOG_OUTCOMES_TOPIC",
      "STOCKLOG_DEAD_LETTER_TOPIC", "STOCKLOG_PROJECTOR_APP_ID", "STOCKLOG_READ_MODEL_GROUP");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

  private Banner() {}

  static String text(LocalStack stack) {
    String c = stack.commandUrl();
    String q = stack.queryUrl();
    String auth = LocalStack.curlAuth(stack.commandAuth(), stack.generatedToken().orElse(null));
    String data = stack.dataDirectory()
        .map(d -> "  data             " + d + "   (the broker's log and the projector's state; "
            + (stack.startedEmpty() ? "new" : "resumed") + ")\n")
        .orElse("");
    String password = stack.joiningEnvironment().getOrDefault("STOCKLOG_JDBC_PASSWORD", "").isEmpty()
        ? "" : "  (and STOCKLOG_JDBC_PASSWORD as you set it)\n";
    return """

        stocklog is running. Ctrl-C stops it; %s
          command service  %s
          query service    %s
          projector        %s/ready   (health and metrics)
          Kafka            %s   (topic %s)
          Postgres         %s   (%s; %s)
        %s
        The operator CLI and Kafka clients on this machine join it with:
          %s
        %s  ./stocklog operator status

        %s

        Try it:
          curl -s -XPOST %s/skus/SKU-1/receipts %s-H 'Content-Type: application/json' -d '{"receiptId":"r-1","quantity":10}'; echo
          r=$(curl -s -XPOST %s/skus/SKU-1/reservations %s-H 'Prefer: wait=5' -H 'Content-Type: application/json' \\
               -d '{"orderId":"o-1","quantity":2,"holdSeconds":600}'); echo "$r"
          curl -s "%s/skus/SKU-1?minPosition=$(echo "$r" | sed 's/.*"position":"\\([^"]*\\)".*/\\1/')&wait=5"; echo

        """.formatted(
        stack.dataDirectory().isPresent() ? "its data stays for the next start." : "everything it made is deleted.",
        c, q, stack.projectorUrl(), stack.bootstrapServers(), stack.topics().events(), stack.database().jdbcUrl(),
        stack.postgresSource(), stack.dataDirectory().isPresent() ? "kept across restarts" : "dropped at stop",
        data, exportLine(stack.joiningEnvironment()), password,
        LocalStack.authHelp(stack.commandAuth(), stack.generatedToken().orElse(null)).stripTrailing(),
        c, auth, c, auth, q);
  }

  /** {@code export NAME=value ...} of what a joining process needs, each value quoted for a POSIX shell if need be. */
  static String exportLine(Map<String, String> environment) {
    Map<String, String> shown = new LinkedHashMap<>();
    for (String name : JOINING) {
      String value = environment.get(name);
      if (value != null && !value.isEmpty()) {
        shown.put(name, value);
      }
    }
    StringBuilder line = new StringBuilder("export");
    shown.forEach((name, value) -> line.append(' ').append(name).append('=').append(shellQuoted(value)));
    return line.toString();
  }

  /** The value as a shell word: as it is when it holds nothing special, else in single quotes. */
  static String shellQuoted(String value) {
    if (PLAIN.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
