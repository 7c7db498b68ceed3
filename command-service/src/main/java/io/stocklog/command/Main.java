package io.stocklog.command;

/** Runs the command service, configured from the environment (see {@link CommandConfig}). */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Each service ships its own logging config under its own name, so several services on one classpath (the
    // local stack) do not fight over a single logback.xml; an explicit -Dlogback.configurationFile wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-command.xml");
    }
    CommandConfig config = CommandConfig.fromEnv(System.getenv());
    CommandService service = CommandService.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "command-service-shutdown"));
  }
}
