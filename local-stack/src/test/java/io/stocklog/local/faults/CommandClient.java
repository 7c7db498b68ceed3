package io.stocklog.local.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * What the fault tests send: commands and reads over real HTTP, each answer timed. A request that gets no
 * answer at all (refused, reset, timed out) is an {@link Answer} with status -1 and the error, not an
 * exception: under a fault that is a result to count, not a reason to stop.
 */
final class CommandClient {

  /** No request may take longer than this; one that does is recorded as unanswered, i.e. hanging. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

  /** One answer: HTTP status (-1 for none), JSON body (null node if none), time to the answer. */
  record Answer(int status, JsonNode body, long millis, String retryAfter, String error) {
    String text(String field) {
      JsonNode n = body.get(field);
      return n == null || n.isNull() ? null : n.asText();
    }

    long number(String field) {
      JsonNode n = body.get(field);
      if (n == null || !n.canConvertToLong()) {
        throw new AssertionError("no number " + field + " in " + this);
      }
      return n.asLong();
    }

    @Override
    public String toString() {
      return status + " in " + millis + " ms" + (error == null ? "" : " (" + error + ")") + ": " + body;
    }
  }

  private final String commandUrl;
  private final String queryUrl;
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newVirtualThreadPerTaskExecutor())
      .build();

  CommandClient(String commandUrl, String queryUrl) {
    this.commandUrl = commandUrl;
    this.queryUrl = queryUrl;
  }

  Answer receipt(String sku, String receiptId, long quantity, Integer waitSeconds) {
    return post("/skus/" + sku + "/receipts",
        "{\"receiptId\":\"" + receiptId + "\",\"quantity\":" + quantity + "}", waitSeconds);
  }

  Answer reserve(String sku, String orderId, long quantity, int holdSeconds, Integer waitSeconds) {
    return post("/skus/" + sku + "/reservations",
        "{\"orderId\":\"" + orderId + "\",\"quantity\":" + quantity + ",\"holdSeconds\":" + holdSeconds + "}",
        waitSeconds);
  }

  Answer post(String path, String json, Integer waitSeconds) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(commandUrl + path)).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json));
    if (waitSeconds != null) {
      b.header("Prefer", "wait=" + waitSeconds);
    }
    return send(b.build());
  }

  /** A GET on the query service. */
  Answer query(String pathAndQuery) {
    return get(queryUrl + pathAndQuery);
  }

  Answer get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build());
  }

  private Answer send(HttpRequest request) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      long millis = (System.nanoTime() - started) / 1_000_000;
      JsonNode body;
      try {
        body = r.body() == null || r.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
      } catch (IOException e) {
        body = Json.MAPPER.getNodeFactory().textNode(r.body());
      }
      return new Answer(r.statusCode(), body, millis, r.headers().firstValue("Retry-After").orElse(null), null);
    } catch (IOException e) {
      return new Answer(-1, Json.MAPPER.nullNode(), (System.nanoTime() - started) / 1_000_000, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, Json.MAPPER.nullNode(), (System.nanoTime() - started) / 1_000_000, null, "interrupted");
    }
  }
}
