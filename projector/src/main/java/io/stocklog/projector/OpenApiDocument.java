package io.stocklog.projector;

import io.javalin.http.Handler;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of the projector's HTTP server, {@code src/main/resources/openapi/projector.json}:
 * read once from the classpath when {@link ProjectorService} starts the server, and served as it is at
 * {@code GET /openapi.json}. Written by hand; {@code OpenApiContractTest} holds it to the routes served.
 */
final class OpenApiDocument {

  static final String RESOURCE = "openapi/projector.json";

  private OpenApiDocument() {}

  /** A handler answering the document; fails at once, at start, if it is missing or not valid JSON. */
  static Handler handler() {
    byte[] document = read();
    return ctx -> ctx.contentType("application/json").result(document);
  }

  static byte[] read() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is not on the classpath");
      }
      byte[] document = in.readAllBytes();
      // Parsed only to fail fast: a hand edit that broke the JSON (or repeated a key) must not start.
      Json.MAPPER.readTree(document);
      return document;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document " + RESOURCE, e);
    }
  }
}
