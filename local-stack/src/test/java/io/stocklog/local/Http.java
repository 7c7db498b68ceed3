package io.stocklog.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for the end-to-end tests: what a stranger with curl would do. */
final class Http {

  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    String text(String field) {
      JsonNode n = body.get(field);
      return n == null || n.isNull() ? null : n.asText();
    }

    long number(String field) {
      return body.get(field).asLong();
    }
  }

  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
      .build();

  Response post(String url, String json, Integer waitSeconds) {
    return post(url, json, waitSeconds, new String[0]);
  }

  /** As {@link #post(String, String, Integer)}, with more headers, as name-value pairs. */
  Response post(String url, String json, Integer waitSeconds, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json));
    if (waitSeconds != null) {
      b.header("Prefer", "wait=" + waitSeconds);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  Response get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  /** A GET whose body is not JSON (metrics); {@link Response#body()} is then null JSON. */
  Response getText(String url) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), Json.MAPPER.nullNode(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body() == null || r.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
      return new Response(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
