package io.stocklog.projector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the projector process from the environment (see {@link ProjectorServiceConfig}): the projector, the
 * read-model sink and the health/metrics endpoint, until the process is stopped.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Each service ships its own logging config under its own name, so several services on one classpath (the
    // local stack) do not fight over a single logback.xml; an explicit -Dlogback.configurationFile wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-projector.xml");
    }
    // The logging config picks its appender by this name; any other value would leave the log silent.
    String logFormat = System.getenv().getOrDefault("STOCKLOG_LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException("STOCKLOG_LOG_FORMAT must be text or json (was '" + logFormat + "')");
    }
    ProjectorServiceConfig config = ProjectorServiceConfig.fromEnv(System.getenv());
    Logger log = LoggerFactory.getLogger(Main.class); // only now, after the logging config is chosen
    log.info("starting with {}", config);
    ProjectorService service = ProjectorService.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      service.close();
    }, "stocklog-projector-shutdown"));
  }
}
