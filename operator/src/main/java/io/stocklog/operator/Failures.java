package io.stocklog.operator;

import io.stocklog.readmodel.JdbcUrls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;

/**
 * What a failed command says: the error, and where it happened, named by the address or database it tried
 * and the variable that set it. An operator pointed at the wrong place must see which place, not "Timed out
 * waiting for a node assignment" or "relation public.applied_position does not exist".
 */
final class Failures {

  /** How long a broker's port may take to accept a connection before it counts as not there. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Postgres's "undefined_table": connected to a database without the tables the command reads. */
  private static final String UNDEFINED_TABLE = "42P01";

  private Failures() {}

  /**
   * Fails at once, naming the address, when no broker of {@code settings} accepts a connection: the Kafka
   * clients would retry for their whole timeout and then say neither where nor why.
   */
  static void requireKafka(OperatorSettings settings) {
    List<String> refused = new ArrayList<>();
    for (String address : settings.bootstrapServers().split(",")) {
      String hostPort = address.trim();
      int colon = hostPort.lastIndexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must be host:port pairs separated by commas "
            + "(was '" + settings.bootstrapServers() + "')");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
            (int) CONNECT_TIMEOUT.toMillis());
        return;
      } catch (UnknownHostException e) {
        refused.add(hostPort + " (unknown host)");
      } catch (IOException | IllegalArgumentException e) {
        refused.add(hostPort + " (" + e.getMessage() + ")");
      }
    }
    throw new IllegalStateException("no Kafka broker answers at " + String.join(", ", refused)
        + (refused.size() == 1 ? ", the address in " : ", the addresses in ") + kafkaSource(settings) + ". Is the broker running? The local stack prints the export line to use.");
  }

  /** The one line a failed command prints after {@code error: }. */
  static String describe(Throwable failure, OperatorSettings settings) {
    String message = messageOf(failure);
    if (settings == null) {
      return message;
    }
    SQLException sql = find(failure, SQLException.class);
    if (sql != null) {
      String url = JdbcUrls.redacted(settings.jdbcUrl());
      String where = message.contains(url) ? "" : "Postgres " + url + " as " + settings.jdbcUser()
          + " (" + jdbcSource(settings) + "): ";
      String hint = UNDEFINED_TABLE.equals(sql.getSQLState())
          ? "; this database holds no stocklog read model: is it the one the projector writes to? (The local "
              + "stack's is jdbc:postgresql://localhost:5432/stocklog_local.)"
          : "";
      return where + message + hint;
    }
    if (find(failure, KafkaException.class) != null) {
      return message.contains(settings.bootstrapServers()) ? message
          : "Kafka at " + settings.bootstrapServers() + " (" + kafkaSource(settings) + "): " + message;
    }
    return message;
  }

  private static String kafkaSource(OperatorSettings settings) {
    return "KAFKA_BOOTSTRAP_SERVERS, default " + OperatorSettings.DEFAULT_BOOTSTRAP_SERVERS;
  }

  private static String jdbcSource(OperatorSettings settings) {
    return "STOCKLOG_JDBC_URL, default " + OperatorSettings.DEFAULT_JDBC_URL;
  }

  /** The failure's message, or its cause's when it has none of its own (or only repeats the cause's type). */
  private static String messageOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && (t.getCause() == null || !m.equals(t.getCause().toString()))) {
        return m;
      }
    }
    return failure.toString();
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
