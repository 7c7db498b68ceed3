package io.stocklog.http;

import io.javalin.http.Handler;
import io.stocklog.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A service's OpenAPI 3.1 document, a classpath resource (each service's is under
 * {@code src/main/resources/openapi/}): read once when the service's app is built, and served as it is at
 * {@code GET /openapi.json}. Written by hand; each service's {@code OpenApiContractTest} holds it to the
 * routes the app serves and to what the service accepts.
 */
public final class OpenApiDocument {

  private OpenApiDocument() {}

  /** A handler answering the document at {@code resource}; fails at once, at start, if it is missing or not valid JSON. */
  public static Handler handler(String resource) {
    byte[] document = read(resource);
    return ctx -> ctx.contentType("application/json").result(document);
  }

  public static byte[] read(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + resource + " is not on the classpath");
      }
      byte[] document = in.readAllBytes();
      // Parsed only to fail fast: a hand edit that broke the JSON (or repeated a key) must not start.
      Json.MAPPER.readTree(document);
      return document;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document " + resource, e);
    }
  }
}
