package io.stocklog.query;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A Server-Sent Events reader for tests: events and comments, in the order received, on a queue. */
final class SseClient implements AutoCloseable {

  /** An event ({@code id} and {@code data}) or a comment ({@code comment} set). */
  record Message(String id, String data, String comment) {
    boolean isComment() {
      return comment != null;
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final HttpResponse<Stream<String>> response;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseClient(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  static SseClient open(int port, String path, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return new SseClient(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
  }

  int status() {
    return response.statusCode();
  }

  private void read() {
    if (response.statusCode() != 200) {
      return;
    }
    String id = null;
    StringBuilder data = null;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data != null) {
            messages.add(new Message(id, data.toString(), null));
          }
          id = null;
          data = null;
        } else if (line.startsWith(":")) {
          messages.add(new Message(null, null, line.substring(1).strip()));
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
    } catch (RuntimeException e) {
      // closed
    }
  }

  /** The next message within {@code timeout}, or null. */
  Message next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next event (skipping comments) within {@code timeout}, or null. */
  Message nextEvent(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Message m = messages.poll(left, TimeUnit.NANOSECONDS);
      if (m == null || !m.isComment()) {
        return m;
      }
    }
  }

  /** Messages received and not yet taken. */
  java.util.List<Message> drain() {
    java.util.List<Message> all = new java.util.ArrayList<>();
    messages.drainTo(all);
    return all;
  }

  @Override
  public void close() {
    reader.interrupt();
    if (response.statusCode() == 200) {
      response.body().close();
    }
  }
}
