package io.stocklog.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for one service under test, with the answer's JSON at hand. */
final class Http {


  /** One answer: status, headers and body text, plus the body as JSON. */
  record Answer(HttpResponse<String> response) {
    int status() {
      return response.statusCode();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }

    JsonNode json() {
      try {
        return Json.MAPPER.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + response.body(), e);
      }
    }

    @Override
    public String toString() {
      return response.statusCode() + " " + response.headers().map() + " " + response.body();
    }
  }

  private final int port;
  // One client per service: a shared pool could hold a connection to an earlier service on a reused port.
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  Http(int port) {
    this.port = port;
  }

  Answer post(String path, String body, String... headers) {
    HttpRequest.BodyPublisher publisher = body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return send(request(path, headers).POST(publisher));
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer method(String method, String path) {
    return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return b;
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      return new Answer(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
