package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryConfigTest {

  @Test
  void itLogsWithoutTheDatabasePasswordEvenInTheUrl() {
    QueryConfig c = QueryConfig.fromEnv(Map.of(
        "STOCKLOG_JDBC_URL", "jdbc:postgresql://db:5432/stocklog?password=hunter2",
        "STOCKLOG_JDBC_PASSWORD", "hunter2"));

    assertThat(c.jdbcPassword()).isEqualTo("hunter2");
    assertThat(c.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://db:5432/stocklog?password=***");
  }

  @Test
  void aBadUrlIsNamedWithoutItsPassword() {
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("STOCKLOG_JDBC_URL", "jdbc:mysql://db/x?password=hunter2")))
        .hasMessageContaining("STOCKLOG_JDBC_URL").hasMessageNotContaining("hunter2");
  }
}
