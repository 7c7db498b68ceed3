package io.stocklog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationRequested;
import io.stocklog.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Contender 1: this system through the command service's HTTP API. With {@code Prefer: wait} the answer
 * carries the decision ({@code 201} held, {@code 409} refused); without it the answer is {@code 202} once
 * the event is in the log, and the decision is learnt from the outcomes topic, as a caller that does not
 * wait would. Either way the latency runs to the known decision. Every request carries the stack's operator
 * token, so the token check is part of what is measured, as it is in production.
 */
final class HttpContender extends StackContender {

  private final String commandUrl;
  private final String token;
  private final boolean wait;
  private final HttpClient http;

  /** @param token the bearer token to send; null sends none */
  HttpContender(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, String commandUrl,
      String token, boolean wait, int inFlight) {
    super(bootstrapServers, eventsTopic, watcher, inFlight);
    this.commandUrl = commandUrl;
    this.token = token;
    this.wait = wait;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public String name() {
    return wait ? "stocklog via HTTP, Prefer: wait" : "stocklog via HTTP, 202 + outcomes";
  }

  private CompletableFuture<Answer> post(String path, String body, String subjectId, String eventType, int grantedStatus) {
    CompletableFuture<OutcomeWatcher.Known> outcome = watcher.expect(subjectId, eventType);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(commandUrl + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (wait) {
      b.header("Prefer", "wait=10");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenCompose(r -> {
      int s = r.statusCode();
      if (s == 202) {
        return outcome.thenApply(k -> new Answer(k.outcome().decision().name().equals(decisionFor(eventType)), 0,
            k.outcome().position(), k.knownAt()));
      }
      long now = System.nanoTime();
      watcher.forget(subjectId, eventType);
      if (s == grantedStatus || s == 409) {
        JsonNode json = read(r.body());
        String position = json.path("position").asText(null);
        return CompletableFuture.completedFuture(new Answer(s == grantedStatus, 0, position, now));
      }
      throw new CompletionException(new IllegalStateException("HTTP " + s + " from " + path + ": "
          + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)));
    });
  }

  private static String decisionFor(String eventType) {
    return switch (eventType) {
      case ReservationRequested.TYPE -> "HELD";
      case ReservationConfirmed.TYPE -> "CONFIRMED";
      case ReservationCancelled.TYPE -> "CANCELLED";
      default -> throw new IllegalArgumentException(eventType);
    };
  }

  private static JsonNode read(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new CompletionException(e);
    }
  }

  @Override
  public CompletableFuture<Answer> reserve(String sku, String orderId, int quantity) {
    return post("/skus/" + sku + "/reservations",
        "{\"orderId\":\"" + orderId + "\",\"quantity\":" + quantity + ",\"holdSeconds\":600}",
        orderId, ReservationRequested.TYPE, 201);
  }

  @Override
  public CompletableFuture<Answer> confirm(String sku, String orderId, int quantity) {
    return post("/skus/" + sku + "/reservations/" + orderId + "/confirm", "", orderId, ReservationConfirmed.TYPE, 200);
  }

  @Override
  public CompletableFuture<Answer> cancel(String sku, String orderId, int quantity) {
    return post("/skus/" + sku + "/reservations/" + orderId + "/cancel", "", orderId, ReservationCancelled.TYPE, 200);
  }

  @Override
  public void close() {
    super.close();
    http.close();
  }
}
