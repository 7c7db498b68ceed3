package io.stocklog.projector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the projector from the environment (see {@link ProjectorConfig}) until the process is stopped.
 *
 * <p>Seam: the read-model sink (module read-model), which applies the outcomes to Postgres, will also run
 * in this process; it is started after the projector and closed before it in the shutdown hook.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ProjectorConfig config = ProjectorConfig.fromEnv(System.getenv());
    Projector projector = Projector.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      projector.close();
    }, "stocklog-projector-shutdown"));
  }
}
