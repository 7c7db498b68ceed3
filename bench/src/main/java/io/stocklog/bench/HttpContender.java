package io.stocklog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.events.ReservationCancelled;
import io.stocklog.events.ReservationConfirmed;
import io.stocklog.events.ReservationRequested;
import io.stocklog.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Contender 1: this system through the command service's HTTP API. With {@code Prefer: wait} the answer
 * carries the decision ({@code 201} held, {@code 409} refused); without it the answer is {@code 202} once
 * the event is in the log, and the decision is learnt from the outcomes topic, as a caller that does not
 * wait would. Either way the latency runs to the known decision. Every request carries the stack's operator
 * token, so the token check is part of what is measured, as it is in production.
 *
 * <p>Without waiting, a connection is free again at the {@code 202}, so many more orders can be in flight (waiting
 * for their decision on the outcomes topic) than there are connections; with {@code Prefer: wait} each order holds
 * its connection until decided, and by Little's law the throughput is at most the requests in flight over the
 * time to a decision (about the projector's commit interval), so it needs thousands in flight.
 *
 * <p>The client is Jetty's, asynchronous over kept-alive HTTP/1.1 connections. The
 * JDK's {@code java.net.http} client was tried first: on this 2-core machine it spent more CPU per request than
 * the command service did, so the figures measured the client (1.4k requests/s where {@code wrk} reached 13k).
 */
final class HttpContender extends StackContender {

  private final String commandUrl;
  private final String token;
  private final boolean wait;
  private final HttpClient http;

  /**
   * @param token the bearer token to send; null sends none
   * @param inFlight orders in flight
   * @param connections connections to the command service; requests beyond them queue in the client
   */
  HttpContender(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, String commandUrl,
      String token, boolean wait, int inFlight, int connections) throws Exception {
    super(bootstrapServers, eventsTopic, watcher, inFlight);
    this.commandUrl = commandUrl;
    this.token = token;
    this.wait = wait;
    this.http = new HttpClient();
    http.setMaxConnectionsPerDestination(connections);
    http.setMaxRequestsQueuedPerDestination(Math.max(inFlight, connections) * 2);
    http.setConnectTimeout(10_000);
    http.setFollowRedirects(false);
    http.start();
  }

  @Override
  public String name() {
    return wait ? "stocklog via HTTP, Prefer: wait" : "stocklog via HTTP, 202 + outcomes";
  }

  private CompletableFuture<Answer> post(String path, String body, String subjectId, String eventType, int grantedStatus) {
    CompletableFuture<OutcomeWatcher.Known> outcome = watcher.expect(subjectId, eventType);
    Request request = http.newRequest(commandUrl + path).method(HttpMethod.POST).timeout(60, TimeUnit.SECONDS)
        .body(new StringRequestContent("application/json", body));
    if (wait) {
      request.headers(h -> h.put("Prefer", "wait=10"));
    }
    if (token != null) {
      request.headers(h -> h.put("Authorization", "Bearer " + token));
    }
    return new CompletableResponseListener(request).send().thenCompose(r -> {
      int s = r.getStatus();
      if (s == 202) {
        return outcome.thenApply(k -> new Answer(k.outcome().decision().name().equals(decisionFor(eventType)), 0,
            k.outcome().position(), k.knownAt()));
      }
      long now = System.nanoTime();
      watcher.forget(subjectId, eventType);
      if (s == grantedStatus || s == 409) {
        JsonNode json = read(r);
        String position = json.path("position").asText(null);
        return CompletableFuture.completedFuture(new Answer(s == grantedStatus, 0, position, now));
      }
      throw new CompletionException(new IllegalStateException("HTTP " + s + " from " + path + ": "
          + r.getContentAsString()));
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

  private static JsonNode read(ContentResponse r) {
    try {
      return Json.MAPPER.readTree(r.getContent());
    } catch (java.io.IOException e) {
      throw new CompletionException(new IllegalStateException("unreadable answer: "
          + new String(r.getContent(), StandardCharsets.UTF_8), e));
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
    try {
      http.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the HTTP client", e);
    }
  }
}
