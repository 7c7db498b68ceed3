package io.stocklog.http;

import java.time.Duration;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The Jetty settings a service's server needs beyond Javalin's: a graceful stop and a deep accept backlog.
 * Applied from {@code config.jetty.modifyServer(...)}, before Javalin nests its own handler inside.
 */
public final class JettyDefaults {

  /**
   * Connections the kernel queues before the server accepts them. A burst of new connections (storefronts
   * after a deploy) must queue, not be dropped: the JVM's default backlog of 50 overflows with a couple of
   * hundred clients connecting at once.
   */
  public static final int ACCEPT_QUEUE_SIZE = 1024;

  private JettyDefaults() {}

  /**
   * On stop, refuse new requests and let those in flight finish, for at most {@code stopTimeout}; and give
   * every connector the deep accept backlog (set as the server starts, when Javalin has added its connector).
   */
  public static void apply(Server server, Duration stopTimeout) {
    server.setHandler(new GracefulHandler());
    server.setStopTimeout(stopTimeout.toMillis());
    server.addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStarting(LifeCycle event) {
        for (Connector connector : server.getConnectors()) {
          if (connector instanceof ServerConnector sc) {
            sc.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
          }
        }
      }
    });
  }
}
