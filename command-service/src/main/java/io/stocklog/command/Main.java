package io.stocklog.command;

/** Runs the command service, configured from the environment (see {@link CommandConfig}). */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    CommandConfig config = CommandConfig.fromEnv(System.getenv());
    CommandService service = CommandService.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "command-service-shutdown"));
  }
}
