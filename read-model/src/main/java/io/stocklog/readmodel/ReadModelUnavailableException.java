package io.stocklog.readmodel;

import java.sql.SQLException;

/** The read model's database did not answer; the caller may retry shortly. */
public final class ReadModelUnavailableException extends RuntimeException {

  public ReadModelUnavailableException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
