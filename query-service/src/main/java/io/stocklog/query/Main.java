package io.stocklog.query;

/** Runs the query service from the environment (see {@link QueryConfig}) until the process is stopped. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Each service ships its own logging config under its own name, so several services on one classpath (the
    // local stack) do not fight over a single logback.xml; an explicit -Dlogback.configurationFile wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-query.xml");
    }
    // The logging config picks its appender by this name; any other value would leave the log silent.
    String logFormat = System.getenv().getOrDefault("STOCKLOG_LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException("STOCKLOG_LOG_FORMAT must be text or json (was '" + logFormat + "')");
    }
    QueryService service = QueryService.start(QueryConfig.fromEnv(System.getenv()));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "query-service-shutdown"));
  }
}
