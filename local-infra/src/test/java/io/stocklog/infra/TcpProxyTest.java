package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy the outage tests cut Postgres with, against a plain echo server. */
class TcpProxyTest {

  private ServerSocket echo;
  private TcpProxy proxy;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread.ofVirtual().start(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the proxy went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBothWays() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      assertThat(roundTrip(s, "again")).isEqualTo("again");
    }
  }

  @Test
  void aCutClosesOpenConnectionsAndHoldsNewOnesSilentUntilRestored() throws IOException {
    try (Socket before = connect()) {
      assertThat(roundTrip(before, "ping")).isEqualTo("ping");

      proxy.cut();

      assertThat(proxy.isCut()).isTrue();
      assertThat(endOfStream(before)).as("a connection open at the cut is closed").isTrue();
      try (Socket during = connect()) {
        during.getOutputStream().write("anyone?".getBytes(StandardCharsets.UTF_8));
        during.setSoTimeout(500);
        assertThatThrownBy(() -> during.getInputStream().read())
            .as("a connection made during the cut is accepted but never answered")
            .isInstanceOf(SocketTimeoutException.class);

        proxy.restore();

        assertThat(endOfStream(during)).as("a held connection is closed by the restore").isTrue();
      }
      assertThat(proxy.connectionsHeld()).isEqualTo(1);
      try (Socket after = connect()) {
        assertThat(roundTrip(after, "back")).isEqualTo("back");
      }
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(5_000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(bytes);
    out.flush();
    InputStream in = s.getInputStream();
    byte[] back = new byte[bytes.length];
    int read = 0;
    while (read < back.length) {
      int n = in.read(back, read, back.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return new String(Arrays.copyOf(back, read), StandardCharsets.UTF_8);
  }

  /** True once the peer has closed or reset the connection (within the socket's timeout). */
  private static boolean endOfStream(Socket s) throws IOException {
    s.setSoTimeout(5_000);
    try {
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }
}
