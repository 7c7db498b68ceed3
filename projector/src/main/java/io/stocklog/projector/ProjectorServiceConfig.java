package io.stocklog.projector;

import io.stocklog.config.Env;
import io.stocklog.readmodel.JdbcUrls;
import io.stocklog.readmodel.SinkConfig;
import java.util.Map;

/**
 * Everything the projector process runs, from the environment: the projector itself ({@link
 * ProjectorConfig}), the read-model sink ({@link SinkConfig}), the read model's database and the HTTP port for
 * health and metrics.
 *
 * <ul>
 *   <li>{@code HTTP_PORT}, default 8083: {@code /health}, {@code /ready}, {@code /metrics};
 *   <li>{@code STOCKLOG_JDBC_URL}, default {@code jdbc:postgresql://localhost:5432/postgres};
 *   <li>{@code STOCKLOG_JDBC_USER}, default {@code postgres}; {@code STOCKLOG_JDBC_PASSWORD}, default empty.
 * </ul>
 */
public record ProjectorServiceConfig(
    ProjectorConfig projector, SinkConfig sink, String jdbcUrl, String jdbcUser, String jdbcPassword, int httpPort) {

  public static final int DEFAULT_HTTP_PORT = 8083;
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/postgres";

  public ProjectorServiceConfig {
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException("HTTP_PORT must be between 0 and 65535 (was " + httpPort + ")");
    }
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "STOCKLOG_JDBC_URL must start with jdbc:postgresql: (was '" + JdbcUrls.redacted(jdbcUrl) + "')");
    }
    if (jdbcUser == null || jdbcUser.isBlank()) {
      throw new IllegalArgumentException("STOCKLOG_JDBC_USER must not be empty");
    }
  }

  public static ProjectorServiceConfig fromEnv(Map<String, String> env) {
    String port = env.getOrDefault("HTTP_PORT", "").trim();
    int httpPort;
    try {
      httpPort = port.isEmpty() ? DEFAULT_HTTP_PORT : Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("HTTP_PORT must be an integer (was '" + port + "')", e);
    }
    return new ProjectorServiceConfig(
        ProjectorConfig.fromEnv(env),
        SinkConfig.fromEnv(env),
        Env.text(env, "STOCKLOG_JDBC_URL", DEFAULT_JDBC_URL),
        Env.text(env, "STOCKLOG_JDBC_USER", "postgres"),
        env.getOrDefault("STOCKLOG_JDBC_PASSWORD", ""),
        httpPort);
  }

  @Override
  public String toString() {
    return "ProjectorServiceConfig[projector=" + projector + ", sink=" + sink
        + ", jdbcUrl=" + JdbcUrls.redacted(jdbcUrl)
        + ", jdbcUser=" + jdbcUser + ", jdbcPassword=***, httpPort=" + httpPort + "]";
  }
}
