package io.stocklog.query;

import io.stocklog.readmodel.ProjectionCatalog;
import io.stocklog.readmodel.ReadModelQueries;
import io.stocklog.readmodel.ReadModelSchema;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the projection catalog's pointer to the served read model: every {@value #POLL_MS} ms it reads
 * which schema is served and points the {@link ReadModelQueries} at it. A switch by the operator CLI
 * (rebuild, rollback) reaches every query service within that time, without a restart; until then it
 * answers from the previous read model, which stays complete and current until it is dropped. Without a
 * catalog (a deployment that predates it) the read model is in {@value ReadModelSchema#DEFAULT_SCHEMA}.
 */
final class ServedSchemaFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServedSchemaFollower.class);
  static final long POLL_MS = 250;

  private final ProjectionCatalog catalog;
  private final ReadModelQueries queries;
  private final ScheduledExecutorService timer;
  private volatile boolean warned;

  private ServedSchemaFollower(ProjectionCatalog catalog, ReadModelQueries queries) {
    this.catalog = catalog;
    this.queries = queries;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "served-schema-follower");
      t.setDaemon(true);
      return t;
    });
  }

  static ServedSchemaFollower start(ProjectionCatalog catalog, ReadModelQueries queries) {
    ServedSchemaFollower follower = new ServedSchemaFollower(catalog, queries);
    follower.poll();
    follower.timer.scheduleWithFixedDelay(follower::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    return follower;
  }

  private void poll() {
    try {
      String schema = catalog.servingSchema(ReadModelSchema.DEFAULT_SCHEMA);
      String before = queries.schema();
      if (!schema.equals(before)) {
        queries.useSchema(schema);
        log.info("serving the read model in schema {} (was {})", schema, before);
      }
      warned = false;
    } catch (SQLException | RuntimeException e) {
      // Postgres away: the queries report it themselves (503); keep the pointer we have.
      if (!warned) {
        warned = true;
        log.warn("cannot read the projection catalog, still serving schema {}: {}", queries.schema(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
