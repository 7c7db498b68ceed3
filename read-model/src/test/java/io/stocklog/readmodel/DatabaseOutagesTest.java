package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseOutagesTest {

  @Test
  void lostOrRefusedConnectionsAndAServerGoingDownAreOutages() {
    assertThat(DatabaseOutages.isOutage(new SQLException("An I/O error occurred", "08006"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("Connection refused", "08001"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("terminating connection", "57P01"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("the database system is starting up", "57P03"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("not currently accepting connections", "55000"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("too many connections", "53300"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("deadlock detected", "40P01"))).isTrue();
    // HikariCP's "connection is not available, request timed out", with or without a state.
    assertThat(DatabaseOutages.isOutage(new SQLTransientConnectionException("pool timed out"))).isTrue();
    assertThat(DatabaseOutages.isOutage(new SQLException("wrapped", null,
        new ConnectException("Connection refused")))).isTrue();
  }

  @Test
  void whatFailsTheSameWayEveryTimeIsNotAnOutage() {
    assertThat(DatabaseOutages.isOutage(new SQLException("violates check constraint", "23514"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new SQLException("relation does not exist", "42P01"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new SQLException("no state"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new NullPointerException("a bug in the writer"))).isFalse();
    assertThat(DatabaseOutages.isOutage(new IllegalStateException("a bug", new SQLException("x", "22003"))))
        .isFalse();
  }
}
