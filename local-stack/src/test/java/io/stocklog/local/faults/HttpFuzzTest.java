package io.stocklog.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.http.RawHttp;
import io.stocklog.infra.TestKafka;
import io.stocklog.infra.WithInfra;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import io.stocklog.local.faults.CommandClient.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and malformed requests at the command and query services: bad JSON, wrong types,
 * huge numbers, odd characters in IDs and SKUs, oversized bodies, wrong methods, unknown routes, bad
 * headers and query parameters, and over raw sockets requests that are not HTTP at all. Every answer must
 * come (no hang, no reset), none may be a 5xx, every malformed request gets a 4xx problem, and afterwards
 * the services are ready and decide normal commands correctly, with the invariants intact.
 *
 * <p>Seeded: the seed is printed; {@code -Dstocklog.fuzz.seed=<seed>} replays a run, and
 * {@code -Dstocklog.fuzz.requests=<n>} changes the count (default 3000).
 */
@WithInfra
class HttpFuzzTest {

  private static final int CONCURRENCY = 16;
  private static final String UNSUPPORTED_VERSION = "a request line with an HTTP version other than 1.x (raw)";
  private static final List<String> SKUS = List.of("FUZZ-1", "FUZZ-2", "FUZZ-3");

  enum Target { COMMAND, QUERY }

  /**
   * One request. {@code malformed}: it must get a 4xx; otherwise it may also be accepted (2xx) or refused
   * on its merits (409). {@code raw}: sent as bytes over a socket, not through java.net.http.
   */
  record Request(String kind, boolean malformed, Target target, String method, String path,
      Map<String, String> headers, byte[] body, byte[] raw) {

    String describe() {
      String shown = raw != null ? new String(raw, 0, Math.min(raw.length, 160), StandardCharsets.ISO_8859_1)
          : method + " " + path + " " + headers + " "
            + (body == null ? "" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8));
      return kind + ": " + shown.replace("\r\n", "\\r\\n");
    }
  }

  record Result(Request request, int status, String contentType, String body, String error) {}

  private final AtomicInteger ids = new AtomicInteger();

  @Test
  void onlyFourHundredsForBadInputNeverAFiveHundredAndTheServiceStaysCorrect(TestKafka kafka) throws Exception {
    long seed = Long.getLong("stocklog.fuzz.seed", System.currentTimeMillis());
    int count = Integer.getInteger("stocklog.fuzz.requests", 3000);
    System.out.println("HTTP fuzz: seed " + seed + " (-Dstocklog.fuzz.seed=" + seed + " to replay), " + count + " requests");
    try (LocalStack stack = LocalStack.start(Stacks.onCluster(kafka, "fuzz", 3))) {
      CommandClient client = new CommandClient(stack.commandUrl(), stack.queryUrl());
      Ledger ledger = new Ledger();
      for (String sku : SKUS) {
        assertThat(ledger.record(sku, "r-seed-" + sku, client.receipt(sku, "r-seed-" + sku, 50, 10)).status())
            .isEqualTo(200);
      }

      Random random = new Random(seed);
      List<Request> requests = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        requests.add(next(random));
      }
      int commandPort = URI.create(stack.commandUrl()).getPort();
      int queryPort = URI.create(stack.queryUrl()).getPort();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

      ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
      long started = System.nanoTime();
      Semaphore slots = new Semaphore(CONCURRENCY);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (Request r : requests) {
          slots.acquire();
          pool.submit(() -> {
            try {
              results.add(send(http, r, r.target() == Target.COMMAND ? commandPort : queryPort));
            } finally {
              slots.release();
            }
          });
        }
      }
      long fuzzMillis = (System.nanoTime() - started) / 1_000_000;

      Map<Integer, Integer> byStatus = new TreeMap<>();
      Map<String, Integer> byKind = new TreeMap<>();
      List<String> fiveHundreds = new ArrayList<>();
      int unsupportedVersion = 0;
      List<String> unanswered = new ArrayList<>();
      List<String> malformedNot4xx = new ArrayList<>();
      List<String> notProblems = new ArrayList<>();
      for (Result r : results) {
        byStatus.merge(r.status(), 1, Integer::sum);
        byKind.merge(r.request().kind(), 1, Integer::sum);
        String shown = r.status() + " <- " + r.request().describe() + " -> " + abbreviate(r.body(), 300);
        if (r.status() < 0) {
          unanswered.add(r.error() + " <- " + r.request().describe());
        } else if (r.status() >= 500) {
          fiveHundreds.add(shown);
        } else if (r.request().malformed() && r.status() < 400) {
          malformedNot4xx.add(shown);
        }
        if (r.request().kind().equals(UNSUPPORTED_VERSION) && r.status() == 400) {
          // Jetty would say 505 (RFC 9110 15.6.6); the contract says a client's mistake is never a 5xx.
          unsupportedVersion++;
        }
        if (r.status() >= 400 && r.status() < 500 && !"HEAD".equals(r.request().method())
            && (r.contentType() == null || !r.contentType().startsWith("application/problem+json"))) {
          notProblems.add(r.contentType() + " " + shown);
        }
        if (r.request().target() == Target.COMMAND && r.request().raw() == null
            && (r.status() >= 200 && r.status() < 300 || r.status() == 409)) {
          String sku = r.request().path().split("/")[2];
          ledger.record(sku, "fuzz", new Answer(r.status(), Json.MAPPER.readTree(r.body()), 0, null, null));
        }
      }
      System.out.println("HTTP fuzz: answers by status " + byStatus + "; requests by kind " + byKind);

      assertThat(results).hasSize(count);
      assertThat(fiveHundreds).as("5xx answers (seed %d)", seed).isEmpty();
      assertThat(unanswered).as("requests with no answer: reset, closed or timed out (seed %d)", seed).isEmpty();
      assertThat(malformedNot4xx).as("malformed requests not answered 4xx (seed %d)", seed).isEmpty();
      assertThat(notProblems).as("4xx answers that are not application/problem+json (seed %d)", seed).isEmpty();
      assertThat(ledger.unexpected()).as("valid commands answered against the contract").isEmpty();

      // Healthy and correct afterwards.
      for (String base : List.of(stack.commandUrl(), stack.queryUrl(), stack.projectorUrl())) {
        assertThat(client.get(base + "/ready").status()).as("%s/ready after the fuzz", base).isEqualTo(200);
      }
      String sku = "FUZZ-AFTER";
      Answer receipt = ledger.record(sku, "r-after", client.receipt(sku, "r-after", 7, 10));
      assertThat(receipt.status()).as("%s", receipt).isEqualTo(200);
      assertThat(receipt.text("decision")).isEqualTo("RECEIVED");
      Answer held = ledger.record(sku, "o-after", client.reserve(sku, "o-after", 3, 600, 10));
      assertThat(held.status()).as("%s", held).isEqualTo(201);
      assertThat(held.number("available")).isEqualTo(4);
      Answer tooMany = ledger.record(sku, "o-after-2", client.reserve(sku, "o-after-2", 5, 600, 10));
      assertThat(tooMany.status()).as("%s", tooMany).isEqualTo(409);
      assertThat(tooMany.text("reason")).isEqualTo("OUT_OF_STOCK");
      assertThat(ledger.unexpected()).isEmpty();

      long convergeMillis = FaultCheck.awaitConverged(FaultCheck.readModel(stack), ledger, Duration.ofSeconds(30));
      LogAudit.Figures figures = FaultCheck.assertNothingLostDuplicatedOrOversold(stack, ledger.acceptedEventIds());
      long malformed = requests.stream().filter(Request::malformed).count();
      FaultCheck.report("http-fuzz", "seed=" + seed + " requests=" + count + " malformed=" + malformed
          + " concurrency=" + CONCURRENCY + " status_counts=" + byStatus.toString().replace(" ", "")
          + " 5xx=" + fiveHundreds.size() + " 400_for_http_9.9=" + unsupportedVersion + " unanswered=" + unanswered.size() + " " + figures.line()
          + " fuzz_ms=" + fuzzMillis + " convergence_ms=" + convergeMillis);
    }
  }

  // ---- sending

  private static Result send(HttpClient http, Request r, int port) {
    if (r.raw() != null) {
      try {
        RawHttp.Answer a = RawHttp.exchange(port, r.raw());
        return new Result(r, a.status(), a.header("Content-Type"), a.body(), null);
      } catch (UncheckedIOException e) {
        return new Result(r, -1, null, null, e.getCause().toString());
      }
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path()))
        .timeout(Duration.ofSeconds(40))
        .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(r.body()));
    r.headers().forEach(b::header);
    try {
      HttpResponse<String> a = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Result(r, a.statusCode(), a.headers().firstValue("Content-Type").orElse(null), a.body(), null);
    } catch (IOException e) {
      return new Result(r, -1, null, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(r, -1, null, null, "interrupted");
    }
  }

  private static String abbreviate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }

  // ---- generating

  private Request next(Random random) {
    int dice = random.nextInt(100);
    if (dice < 8) {
      return validCommand(random);
    } else if (dice < 22) {
      return brokenJson(random);
    } else if (dice < 36) {
      return wrongType(random);
    } else if (dice < 46) {
      return badNumber(random);
    } else if (dice < 56) {
      return oddIdInBody(random);
    } else if (dice < 63) {
      return oddSkuInPath(random);
    } else if (dice < 68) {
      return oversized(random);
    } else if (dice < 75) {
      return wrongMethod(random);
    } else if (dice < 79) {
      return unknownRoute(random);
    } else if (dice < 84) {
      return badHeader(random);
    } else if (dice < 94) {
      return queryFuzz(random);
    } else {
      return rawGarbage(random);
    }
  }

  /** A command body as a field-to-JSON-value map, with the route it goes to. */
  private record Command(String route, Map<String, String> fields) {
    String json() {
      StringBuilder b = new StringBuilder("{");
      fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
      return b.append('}').toString();
    }
  }

  private Command command(Random random) {
    String sku = pick(random, SKUS);
    int id = ids.incrementAndGet();
    Map<String, String> f = new java.util.LinkedHashMap<>();
    return switch (random.nextInt(6)) {
      case 0 -> {
        f.put("receiptId", q("r-fuzz-" + id));
        f.put("quantity", Integer.toString(1 + random.nextInt(20)));
        yield new Command("/skus/" + sku + "/receipts", f);
      }
      case 1 -> {
        f.put("adjustmentId", q("a-fuzz-" + id));
        f.put("delta", Integer.toString(random.nextBoolean() ? 1 + random.nextInt(5) : -1 - random.nextInt(5)));
        f.put("reason", q("fuzz"));
        yield new Command("/skus/" + sku + "/adjustments", f);
      }
      case 2, 3 -> {
        f.put("orderId", q("o-fuzz-" + id));
        f.put("quantity", Integer.toString(1 + random.nextInt(4)));
        f.put("holdSeconds", Integer.toString(60 + random.nextInt(600)));
        yield new Command("/skus/" + sku + "/reservations", f);
      }
      case 4 -> {
        f.put("holdSeconds", Integer.toString(60 + random.nextInt(600)));
        yield new Command("/skus/" + sku + "/reservations/o-fuzz-" + random.nextInt(Math.max(1, id)) + "/extend", f);
      }
      default -> new Command("/skus/" + sku + "/reservations/o-fuzz-" + random.nextInt(Math.max(1, id))
          + (random.nextBoolean() ? "/confirm" : "/cancel"), f);
    };
  }

  private Request post(String kind, boolean malformed, String path, String body) {
    return post(kind, malformed, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "application/json"));
  }

  private static Request post(String kind, boolean malformed, String path, byte[] body, Map<String, String> headers) {
    return new Request(kind, malformed, Target.COMMAND, "POST", path, headers, body, null);
  }

  private Request validCommand(Random random) {
    Command c = command(random);
    Map<String, String> headers = random.nextBoolean()
        ? Map.of("Content-Type", "application/json", "Prefer", "wait=" + random.nextInt(3))
        : Map.of("Content-Type", "application/json");
    return post("valid command", false, c.route(), c.json().getBytes(StandardCharsets.UTF_8), headers);
  }

  private Request brokenJson(Random random) {
    Command c = command(random);
    String valid = c.json();
    String broken = switch (random.nextInt(10)) {
      case 0 -> valid.substring(0, random.nextInt(valid.length()));
      case 1 -> valid + "}";
      case 2 -> valid.replaceFirst(":", "");
      case 3 -> valid.replaceFirst(",", ",,");
      case 4 -> valid.replace("\"", "'");
      case 5 -> "[" + valid + "]";
      case 6 -> valid + " " + valid;
      case 7 -> "{\"" + (c.fields().isEmpty() ? "x" : c.fields().keySet().iterator().next()) + "\":1,"
          + valid.substring(1);
      case 8 -> valid.substring(0, Math.max(1, valid.length() / 2)) + "\\u12";
      default -> pick(random, List.of("null", "\"text\"", "42", "true", "{", "}", "{]", "\u0000", "\uFEFF{}"));
    };
    // Only what no strict JSON reader accepts is certainly malformed; an empty object, say, may still be a
    // valid confirm, and a key repeated with the same value is refused but is syntax of a sort.
    // An empty body is no body, which confirm and cancel do not need.
    // A byte-order mark before the JSON is allowed (RFC 8259 8.1 lets a parser ignore it), so look past it.
    String json = broken.startsWith("\uFEFF") ? broken.substring(1) : broken;
    boolean malformed = (!parses(json) || !json.startsWith("{")) && !(broken.isEmpty() && c.fields().isEmpty());
    return post("broken JSON", malformed, c.route(), broken);
  }

  private Request wrongType(Random random) {
    Command c = command(random);
    if (c.fields().isEmpty()) {
      c.fields().put("holdSeconds", "1");
    }
    List<String> keys = new ArrayList<>(c.fields().keySet());
    String key = pick(random, keys);
    boolean numeric = !c.fields().get(key).startsWith("\"");
    String value = numeric
        ? pick(random, List.of("\"12\"", "true", "null", "[]", "{}", "[1]", "\"\"", "1.5", "\"one\""))
        : pick(random, List.of("12", "true", "null", "[]", "{}", "[\"x\"]", "{\"id\":\"x\"}", "1.0"));
    c.fields().put(key, value);
    return post("wrong type", true, c.route(), c.json());
  }

  private Request badNumber(Random random) {
    Command c = command(random);
    String key = c.fields().containsKey("quantity") ? "quantity"
        : c.fields().containsKey("delta") ? "delta" : "holdSeconds";
    List<String> values = switch (key) {
      case "delta" -> List.of("0", "-0", "1000000001", "-1000000001", "9223372036854775807", "-9223372036854775808",
          "99999999999999999999999", "1e400", "-1E3", "1.0", "0.5");
      case "holdSeconds" -> List.of("0", "-1", "86401", "2147483648", "99999999999999999999", "1e3", "60.0", "-0");
      default -> List.of("0", "-0", "-1", "1000000001", "9223372036854775807", "9223372036854775808",
          "-9223372036854775809", "1e400", "1E3", "1.0", "2.5", "100000000000000000000000000000");
    };
    c.fields().put(key, pick(random, values));
    return post("huge or out-of-range number", true, c.route(), c.json());
  }

  private static final List<String> ODD_IDS = List.of("", " ", "a b", "x".repeat(65), "ü", "😀", "a/b", "a\\u0000b",
      "../x", "<script>", "a\\nb", "%41", "a\\\"b", "\\u202e", "tab\\there", "a,b", "a?b", "a#b", "é".repeat(3),
      "null\\u0000", "\\uD800");

  private Request oddIdInBody(Random random) {
    Command c = command(random);
    String key = c.fields().containsKey("receiptId") ? "receiptId" : c.fields().containsKey("orderId") ? "orderId"
        : c.fields().containsKey("adjustmentId") ? "adjustmentId" : null;
    if (key == null) { // confirm/cancel/extend: the order ID is in the path
      return oddSkuInPath(random);
    }
    c.fields().put(key, q(pick(random, ODD_IDS)));
    return post("odd characters in an ID", true, c.route(), c.json());
  }

  private Request oddSkuInPath(Random random) {
    Command c = command(random);
    String odd = pick(random, List.of("%20", "a%20b", "%C3%BC", "%F0%9F%98%80", "x".repeat(65), "%3Cscript%3E",
        "a%2Cb", "%27%22", "a%7Cb", "a%5Cb", "%E2%80%AE", "a%09b", "a%2Bb%2B", "y".repeat(300), "%25", "a%3Fb"));
    String[] parts = c.route().split("/");
    boolean inOrder = parts.length > 4 && random.nextBoolean();
    if (inOrder) {
      parts[4] = odd;
    } else {
      parts[2] = odd;
    }
    return post(inOrder ? "odd characters in an order ID (path)" : "odd characters in a SKU (path)", true,
        String.join("/", parts), c.json());
  }

  private Request oversized(Random random) {
    Command c = command(random);
    int size = 16 * 1024 + 1 + random.nextInt(random.nextBoolean() ? 4 * 1024 : 512 * 1024);
    String json = c.json();
    String body = json.substring(0, json.length() - 1) + (c.fields().isEmpty() ? "" : ",")
        + "\"padding\":\"" + "p".repeat(size) + "\"}";
    return post("oversized body", true, c.route(), body);
  }

  private Request wrongMethod(Random random) {
    Command c = command(random);
    String method = pick(random, List.of("GET", "PUT", "DELETE", "PATCH"));
    byte[] body = method.equals("GET") || method.equals("DELETE") ? null : c.json().getBytes(StandardCharsets.UTF_8);
    return new Request("wrong method", true, Target.COMMAND, method, c.route(), Map.of("Content-Type", "application/json"),
        body, null);
  }

  private Request unknownRoute(Random random) {
    Command c = command(random);
    String path = pick(random, List.of("/", "/skus", "/skus/", "/sku/FUZZ-1/receipts", "/skus/FUZZ-1",
        "/skus/FUZZ-1/receipts/extra", "/skus/FUZZ-1/reservations/o-1", "/skus/FUZZ-1/reservations/o-1/ship",
        "/admin", "/metrics/x", "/.env", "/skus//receipts", "/SKUS/FUZZ-1/RECEIPTS", "/skus/FUZZ-1/receipts.json"));
    return post("unknown route", true, path, c.json());
  }

  private Request badHeader(Random random) {
    Command c = command(random);
    byte[] body = c.json().getBytes(StandardCharsets.UTF_8);
    return switch (random.nextInt(5)) {
      case 0 -> post("bad Prefer header", true, c.route(), body, Map.of("Content-Type", "application/json",
          "Prefer", pick(random, List.of("wait=abc", "wait=31", "wait=-1", "wait=", "wait=1.5", "wait=99999999999"))));
      case 1 -> post("XML body", true, c.route(), "<receipt><quantity>1</quantity></receipt>".getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/xml"));
      case 2 -> post("form body", true, c.route(), "receiptId=r-1&quantity=1".getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/x-www-form-urlencoded"));
      // Valid JSON all the same: the reader detects UTF-16 by its byte-order mark.
      case 3 -> post("body in UTF-16", false, c.route(), c.json().getBytes(StandardCharsets.UTF_16),
          Map.of("Content-Type", "application/json; charset=utf-16"));
      // A JSON body declared as something else is refused (415) rather than guessed at.
      default -> random.nextBoolean()
          ? post("valid body, not declared JSON", true, c.route(), body,
              Map.of("Content-Type", pick(random, List.of("text/plain", "application/octet-stream", "x/y"))))
          : post("valid body, JSON with an odd charset", false, c.route(), body,
              Map.of("Content-Type", "application/json; charset=latin1"));
    };
  }

  private Request queryFuzz(Random random) {
    String sku = pick(random, List.of("FUZZ-404", "x".repeat(65), "%20", "%C3%BC", "a%2Cb", "%00", "..", "a%3Bb"));
    String path = switch (random.nextInt(8)) {
      case 0 -> "/skus/" + sku;
      case 1 -> "/skus?ids=" + pick(random, List.of("", ",", "a,,b", "x".repeat(65), "%20", String.join(",",
          java.util.Collections.nCopies(1_001, "s")), "a&ids=b"));
      case 2 -> "/skus/FUZZ-1?minPosition=" + pick(random, List.of("", "x", "-1-1", "0-", "99999-0", "1-99999999999999999999",
          "0-0-0", "%00", "a-b"));
      case 3 -> "/skus/FUZZ-1?wait=" + pick(random, List.of("", "abc", "-1", "31", "1.5", "99999999999"));
      case 4 -> "/skus/FUZZ-1/reservations/" + pick(random, List.of("%20", "x".repeat(65), "%C3%BC", "o-404"));
      case 5 -> "/skus/FUZZ-1?minPosition=0-0&minPosition=0-1";
      case 6 -> pick(random, List.of("/", "/skus/", "/skus/FUZZ-1/reservations", "/skus/FUZZ-1/x", "/stock"));
      default -> "/skus/" + sku + "/reservations/o-1";
    };
    String method = random.nextInt(5) == 0 ? pick(random, List.of("POST", "PUT", "DELETE", "PATCH")) : "GET";
    byte[] body = method.equals("GET") || method.equals("DELETE") ? null : "{}".getBytes(StandardCharsets.UTF_8);
    return new Request("query: " + (method.equals("GET") ? "bad parameters or unknown SKU" : "wrong method"), true,
        Target.QUERY, method, path, Map.of(), body, null);
  }

  private Request rawGarbage(Random random) {
    Function<String, byte[]> bytes = s -> s.getBytes(StandardCharsets.ISO_8859_1);
    String host = "Host: localhost\r\nConnection: close\r\n";
    String json = "{\"receiptId\":\"r-raw-" + ids.incrementAndGet() + "\",\"quantity\":1}";
    String request = switch (random.nextInt(12)) {
      case 0 -> "GARBAGE\r\n\r\n";
      case 1 -> "POST /skus/%zz/receipts HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n";
      case 2 -> "POST /skus/a%00b/receipts HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n";
      case 3 -> "POST /skus/a b/receipts HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n";
      case 4 -> null;
      case 5 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"; // no Host
      case 6 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "X-Big: " + "h".repeat(20_000) + "\r\n\r\n";
      case 7 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n";
      case 8 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd";
      case 9 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n"
          + "Content-Type: application/json\r\n\r\nzz\r\n" + json + "\r\n0\r\n\r\n";
      case 10 -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "Bad Header Line\r\nContent-Length: 0\r\n\r\n";
      default -> "POST /skus/FUZZ-1/receipts HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n"
          + "Content-Type: application/json\r\n\r\n" + Integer.toHexString(20 * 1024) + "\r\n" + "c".repeat(20 * 1024)
          + "\r\n0\r\n\r\n";
    };
    if (request == null) {
      return new Request(UNSUPPORTED_VERSION, true, Target.COMMAND, null, null, Map.of(), null, bytes.apply(
          "POST /skus/FUZZ-1/receipts HTTP/" + pick(random, List.of("9.9", "2.0", "3", "0.9")) + "\r\n" + host
              + "Content-Length: 0\r\n\r\n"));
    }
    return new Request("not HTTP, or not well-formed HTTP (raw)", true, Target.COMMAND, null, null, Map.of(), null,
        bytes.apply(request));
  }

  private static boolean parses(String json) {
    try {
      Json.MAPPER.readTree(json);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  private static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
