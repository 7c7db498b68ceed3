package io.stocklog.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP forwarder on a loopback port, to take a dependency away from a client without stopping the dependency
 * itself: the local Postgres server is shared by everything on the machine and must never be stopped, but the
 * services under test can be pointed at this proxy instead, and the proxy cut.
 *
 * <p>{@link #cut()} is a network partition seen from the client: every open connection is closed at once
 * (queries in flight fail), and new connections are accepted but never answered, neither forwarded nor closed,
 * so a client that connects waits until its own timeout fires. That is the harsher failure: a refused
 * connection fails in a millisecond, a silent one shows whether the client bounds every wait. {@link
 * #restore()} closes the connections held silent (their clients see the end of the stream) and forwards new
 * ones again.
 *
 * <p>One platform thread accepts; each connection is pumped by two virtual threads. Loopback only.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> held = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong heldTotal = new AtomicLong();
  private volatile boolean cut;

  private TcpProxy(InetSocketAddress target, ServerSocket server) {
    this.target = target;
    this.server = server;
    this.acceptor = Thread.ofPlatform().daemon().name("tcp-proxy-" + server.getLocalPort()).unstarted(this::accept);
  }

  /** A proxy on a free loopback port forwarding to {@code host:port}; forwarding from the start. */
  public static TcpProxy start(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
    }
    try {
      ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), server);
      proxy.acceptor.start();
      log.info("TCP proxy 127.0.0.1:{} -> {}:{}", server.getLocalPort(), host, port);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for a proxy to " + host + ":" + port, e);
    }
  }

  /** The loopback port clients connect to instead of the target's. */
  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted since start, held ones included. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Connections accepted while cut and held silent, since start. */
  public long connectionsHeld() {
    return heldTotal.get();
  }

  public boolean isCut() {
    return cut;
  }

  /** Closes every open connection and holds new ones silent until {@link #restore()}. Idempotent. */
  public void cut() {
    cut = true;
    int dropped = open.size();
    closeAll(open);
    log.info("TCP proxy :{} cut: {} open connection(s) closed, new ones held silent", port(), dropped);
  }

  /** Closes the connections held silent and forwards new ones again. Idempotent. */
  public void restore() {
    cut = false;
    int released = held.size();
    closeAll(held);
    log.info("TCP proxy :{} restored: {} held connection(s) closed, forwarding again", port(), released);
  }

  private void accept() {
    while (!closed.get()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("TCP proxy :{} stopped accepting: {}", port(), e.toString());
        }
        return;
      }
      accepted.incrementAndGet();
      if (cut) {
        // Accepted by the kernel and by us, then nothing: no bytes, no close, until restore() or close().
        held.add(client);
        heldTotal.incrementAndGet();
        continue;
      }
      Thread.ofVirtual().name("tcp-proxy-connect").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 5_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      log.debug("TCP proxy :{} cannot reach {}: {}", port(), target, e.toString());
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    if (cut) { // cut() ran while we connected: it must not miss this pair
      closeQuietly(client);
      closeQuietly(upstream);
    }
    Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, upstream));
    Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(upstream, client));
  }

  /** Copies {@code from} to {@code to} until either side ends, then closes both. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // One side went away (or cut() closed it): end the pair.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeAll(Set<Socket> sockets) {
    for (Socket s : sockets) {
      abort(s);
      sockets.remove(s);
    }
  }

  /** Closes with a reset rather than a polite FIN, as a crashed or unplugged peer would leave it. */
  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Stops accepting and closes everything. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      // nothing to do
    }
    closeAll(open);
    closeAll(held);
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[127.0.0.1:" + port() + " -> " + target + (cut ? ", cut" : "") + "]";
  }
}
