package io.stocklog.operator;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stocklog.readmodel.ProjectionCatalog;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The connections one CLI command uses: a Kafka admin client, a small Postgres pool, the catalog on it, and
 * pools pointed at a read model's schema on demand. Closed together.
 */
public final class Connections implements AutoCloseable {

  private final OperatorSettings settings;
  private final Admin admin;
  private final HikariDataSource pool;
  private final Map<String, HikariDataSource> schemaPools = new HashMap<>();
  private final KafkaOffsets offsets;

  public Connections(OperatorSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    this.pool = new HikariDataSource(poolConfig("operator", null));
    this.offsets = new KafkaOffsets(admin);
  }

  private HikariConfig poolConfig(String name, String schema) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(settings.jdbcUrl());
    c.setUsername(settings.jdbcUser());
    c.setPassword(settings.jdbcPassword());
    if (schema != null) {
      c.setSchema(schema);
    }
    c.setMaximumPoolSize(3);
    c.setConnectionTimeout(5_000);
    return c;
  }

  public OperatorSettings settings() {
    return settings;
  }

  public Admin admin() {
    return admin;
  }

  public KafkaOffsets offsets() {
    return offsets;
  }

  /** A pool with no schema set: the catalog's tables are qualified. */
  public DataSource database() {
    return pool;
  }

  public ProjectionCatalog catalog() {
    return new ProjectionCatalog(pool);
  }

  /** A pool whose connections resolve unqualified names in {@code schema} (what the sink's writer needs). */
  public synchronized DataSource schema(String schema) {
    return schemaPools.computeIfAbsent(schema, s -> new HikariDataSource(poolConfig("operator-" + s, s)));
  }

  @Override
  public void close() {
    schemaPools.values().forEach(HikariDataSource::close);
    pool.close();
    admin.close();
  }
}
