package io.stocklog.readmodel;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a database outage (wait and retry: it ends by itself) from a failure that will repeat on the same input
 * (a bug: stop and say so), by the exception the JDBC driver or the pool threw.
 *
 * <p>An outage is: a connection that could not be made, was lost or timed out (JDBC's transient and recoverable
 * exception types, an I/O error underneath, SQLSTATE class 08); the server shutting down, restarting or not yet
 * accepting connections (57P01 to 57P03, 55000 for a database closed to connections); too few resources (class
 * 53); a transaction the server rolled back on its own (class 40: serialization failure, deadlock). Anything else
 * (a constraint violated, a table missing, bad SQL, a bug in the writer) fails the same way on every try.
 */
public final class DatabaseOutages {

  private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03", "55000");
  private static final Set<String> OUTAGE_CLASSES = Set.of("08", "53", "40", "58");

  private DatabaseOutages() {}

  /** Whether {@code failure} (or a cause of it) is an outage of the database rather than a bug. */
  public static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
          || t instanceof SQLNonTransientConnectionException || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (OUTAGE_STATES.contains(state) || (state.length() >= 2 && OUTAGE_CLASSES.contains(state.substring(0, 2)))) {
          return true;
        }
      }
    }
    return false;
  }
}
