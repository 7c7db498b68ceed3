package io.stocklog.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.json.Json;
import io.stocklog.local.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Runs the operator CLI in-process, as a shell would, and talks to the stack's HTTP services. */
final class Cli {

  record Run(int exit, String out) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON (exit " + exit + "):\n" + out, e);
      }
    }

    @Override
    public String toString() {
      return "exit " + exit + ":\n" + out;
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Cli() {}

  /** The environment a deployment of {@code stack} would give the CLI. */
  static Map<String, String> env(LocalStack stack) {
    return new HashMap<>(stack.joiningEnvironment());
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = Main.run(env, out, false, args);
    }
    // -DargLine=-Dcli.echo=true shows every command line and its output in the test log.
    if (Boolean.getBoolean("cli.echo")) {
      System.out.println("$ stocklog-operator " + String.join(" ", args) + "\n" + bytes.toString(StandardCharsets.UTF_8) + "[exit " + exit + "]");
    }
    return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  /** POSTs JSON and returns the parsed answer, failing on anything but 2xx. */
  static JsonNode post(String url, String json, int waitSeconds) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Prefer", "wait=" + waitSeconds)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return send(request);
  }

  static JsonNode get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private static JsonNode send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new AssertionError(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": "
            + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
