package io.stocklog.projector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the projector process from the environment (see {@link ProjectorServiceConfig}): the projector, the
 * read-model sink and the health/metrics endpoint, until the process is stopped.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ProjectorServiceConfig config = ProjectorServiceConfig.fromEnv(System.getenv());
    log.info("starting with {}", config);
    ProjectorService service = ProjectorService.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      service.close();
    }, "stocklog-projector-shutdown"));
  }
}
