package io.stocklog.operator;

import io.stocklog.config.Env;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.topics.TopicSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the operator CLI finds the system: the same variables the services read.
 *
 * <table>
 *   <caption>Variables and defaults</caption>
 *   <tr><td>KAFKA_BOOTSTRAP_SERVERS</td><td>localhost:9092</td></tr>
 *   <tr><td>STOCKLOG_EVENTS_TOPIC, STOCKLOG_OUTCOMES_TOPIC, STOCKLOG_DEAD_LETTER_TOPIC, STOCKLOG_PARTITIONS,
 *       STOCKLOG_REPLICATION, STOCKLOG_MIN_INSYNC</td><td>see {@link TopicSettings}</td></tr>
 *   <tr><td>STOCKLOG_JDBC_URL, STOCKLOG_JDBC_USER, STOCKLOG_JDBC_PASSWORD</td>
 *       <td>jdbc:postgresql://localhost:5432/postgres, postgres, empty</td></tr>
 *   <tr><td>STOCKLOG_OPERATOR_STATE_DIR</td><td>{java.io.tmpdir}/stocklog-operator: a rebuild's RocksDB state
 *       while it catches up (deleted after)</td></tr>
 * </table>
 */
public record OperatorSettings(String bootstrapServers, TopicSettings topics, String jdbcUrl, String jdbcUser,
    String jdbcPassword, Path stateDir) {

  static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/postgres";

  public static OperatorSettings fromEnv(Map<String, String> env) {
    return new OperatorSettings(
        Env.text(env, "KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS),
        TopicSettings.fromEnv(env),
        Env.text(env, "STOCKLOG_JDBC_URL", DEFAULT_JDBC_URL),
        Env.text(env, "STOCKLOG_JDBC_USER", "postgres"),
        env.getOrDefault("STOCKLOG_JDBC_PASSWORD", ""),
        Path.of(Env.text(env, "STOCKLOG_OPERATOR_STATE_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "stocklog-operator").toString())));
  }

  @Override
  public String toString() {
    return "OperatorSettings[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", jdbcUrl="
        + JdbcUrls.redacted(jdbcUrl) + ", jdbcUser=" + jdbcUser + ", jdbcPassword=***, stateDir=" + stateDir + "]";
  }
}
