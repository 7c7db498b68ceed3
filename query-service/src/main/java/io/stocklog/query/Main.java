package io.stocklog.query;

/** Runs the query service from the environment (see {@link QueryConfig}) until the process is stopped. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    QueryService service = QueryService.start(QueryConfig.fromEnv(System.getenv()));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "query-service-shutdown"));
  }
}
