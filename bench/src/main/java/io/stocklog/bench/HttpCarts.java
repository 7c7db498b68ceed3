package io.stocklog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stocklog.events.OrderCancelled;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderPlaced;
import io.stocklog.json.Json;
import java.util.UUID;
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
 * Carts sent to this system through the command service: {@code POST /orders} with {@code Prefer: wait=30}, whose
 * answer is the decision ({@code 201} held, {@code 409} rejected with every line), then
 * {@code POST /orders/{id}/confirm} or {@code cancel} ({@code 200}, or {@code 409} with the reason). A {@code 202}
 * (the wait ran out) is followed by the decision on the outcomes topic. The client, the connections and the token
 * are as in {@link HttpContender}. If the command service has no {@code /orders} route (a {@code 404} to a
 * well-formed order, which the contract never gives), the contender is skipped with that reason.
 */
final class HttpCarts extends StackCarts {

  static final String NO_ROUTE = "the command service has no /orders route";

  private final String commandUrl;
  private final String token;
  private final HttpClient http;

  HttpCarts(String bootstrapServers, String eventsTopic, OutcomeWatcher watcher, String commandUrl, String token,
      int inFlight) throws Exception {
    super(bootstrapServers, eventsTopic, watcher, inFlight);
    this.commandUrl = commandUrl;
    this.token = token;
    this.http = new HttpClient();
    http.setMaxConnectionsPerDestination(inFlight);
    http.setMaxRequestsQueuedPerDestination(inFlight * 2);
    http.setConnectTimeout(10_000);
    http.setFollowRedirects(false);
    http.start();
    try {
      probe();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** One order on a SKU nobody has: a route that exists answers 409 (or 201/202); one that does not, 404. */
  private void probe() throws Exception {
    ObjectNode body = body("bench-probe-" + UUID.randomUUID().toString().substring(0, 8), 1,
        new CartPlan.Line[] {new CartPlan.Line("bench-probe-no-such-sku", 1)});
    ContentResponse r = request("/orders", body.toString()).send();
    if (r.getStatus() == 404) {
      throw new Servers.Skip(NO_ROUTE);
    }
  }

  @Override
  public String name() {
    return "stocklog orders via HTTP, Prefer: wait";
  }

  private Request request(String path, String body) {
    Request request = http.newRequest(commandUrl + path).method(HttpMethod.POST).timeout(60, TimeUnit.SECONDS)
        .body(new StringRequestContent("application/json", body));
    request.headers(h -> h.put("Prefer", "wait=30"));
    if (token != null) {
      request.headers(h -> h.put("Authorization", "Bearer " + token));
    }
    return request;
  }

  private static ObjectNode body(String orderId, int holdSeconds, CartPlan.Line[] lines) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("orderId", orderId);
    body.put("holdSeconds", holdSeconds);
    ArrayNode array = body.putArray("lines");
    for (CartPlan.Line l : lines) {
      array.addObject().put("sku", l.sku()).put("quantity", l.quantity());
    }
    return body;
  }

  /**
   * Sends and answers: {@code 202} from the outcomes topic (interest registered before the request), any of
   * {@code decided} from the body, anything else fails.
   */
  private CompletableFuture<Answer> post(String path, String body, String orderId, String eventType, boolean placing) {
    CompletableFuture<OutcomeWatcher.KnownOrder> outcome = watcher.expectOrder(orderId, eventType);
    return new CompletableResponseListener(request(path, body)).send().thenCompose(r -> {
      int s = r.getStatus();
      if (s == 202) {
        return outcome.thenApply(k -> placing ? placed(k.outcome(), k.knownAt()) : ended(k.outcome(), k.knownAt()));
      }
      long now = System.nanoTime();
      watcher.forgetOrder(orderId, eventType);
      if (s == 404) {
        throw new CompletionException(new IllegalStateException(NO_ROUTE));
      }
      if (s != 200 && s != 201 && s != 409) {
        throw new CompletionException(new IllegalStateException("HTTP " + s + " from " + path + ": "
            + r.getContentAsString()));
      }
      JsonNode json = read(r);
      if (placing) {
        boolean held = s == 201;
        boolean partial = false;
        for (JsonNode l : json.path("lines")) {
          String status = l.path("status").asText("");
          partial |= held ? !status.equals("HELD") : status.equals("HELD") || status.equals("PREPARED");
        }
        return CompletableFuture.completedFuture(new Answer(held ? Decision.DONE : Decision.REFUSED, partial, now,
            held ? null : rejection(json)));
      }
      if (s == 200) {
        return CompletableFuture.completedFuture(new Answer(Decision.DONE, false, now, null));
      }
      String reason = json.path("reason").asText(json.path("status").asText(""));
      return CompletableFuture.completedFuture(new Answer(reason.equals("EXPIRED") ? Decision.EXPIRED
          : Decision.REFUSED, false, now, reason));
    });
  }

  /** Why a placing was rejected: the answer's reason, else its first short line's, else just REJECTED. */
  private static String rejection(JsonNode json) {
    if (json.hasNonNull("reason")) {
      return json.get("reason").asText();
    }
    for (JsonNode l : json.path("lines")) {
      if (l.hasNonNull("reason")) {
        return l.get("reason").asText();
      }
    }
    return "REJECTED";
  }

  private static JsonNode read(ContentResponse r) {
    try {
      return Json.MAPPER.readTree(r.getContent());
    } catch (java.io.IOException e) {
      throw new CompletionException(new IllegalStateException("unreadable answer: " + r.getContentAsString(), e));
    }
  }

  @Override
  public CompletableFuture<Answer> place(CartPlan.Cart cart, int holdSeconds) {
    placing();
    return post("/orders", body(cart.orderId(), holdSeconds, cart.lines().toArray(CartPlan.Line[]::new)).toString(),
        cart.orderId(), OrderPlaced.TYPE, true);
  }

  @Override
  public CompletableFuture<Answer> confirm(CartPlan.Cart cart) {
    return post("/orders/" + cart.orderId() + "/confirm", "", cart.orderId(), OrderConfirmed.TYPE, false);
  }

  @Override
  public CompletableFuture<Answer> cancel(CartPlan.Cart cart) {
    return post("/orders/" + cart.orderId() + "/cancel", "", cart.orderId(), OrderCancelled.TYPE, false);
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
