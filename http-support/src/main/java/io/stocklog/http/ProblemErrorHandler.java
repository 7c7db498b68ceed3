package io.stocklog.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stocklog.json.Json;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page as {@code application/problem+json}: for the requests Jetty refuses before any route
 * sees them (a malformed request line, bad percent-encoding or UTF-8 in the URI, a URI or headers too
 * large), so every error of the service has the same shape. Installed on the {@code Server}, which is where
 * Jetty looks when no context took the request. One for all the services' servers, here in http-support
 * rather than in schemas, so that the data contract does not depend on Jetty.
 */
public final class ProblemErrorHandler extends ErrorHandler {

  /** Every method gets a body: a PUT with a bad URI deserves to be told why as much as a GET. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      // A request line naming an HTTP version other than 1.x is the client's mistake, and a client's mistake
      // is never answered 5xx here (RFC 9110 would allow 505; the contract promises 4xx).
      code = HttpStatus.BAD_REQUEST_400;
      message = "unsupported HTTP version: this server speaks HTTP/1.0 and HTTP/1.1";
      response.setStatus(code);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.write(true, ByteBuffer.wrap(body(code, message, cause)), callback);
  }

  static byte[] body(int status, String message, Throwable cause) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", HttpStatus.getMessage(status));
    problem.put("status", status);
    problem.put("detail", detail(status, message, cause));
    try {
      return Json.MAPPER.writeValueAsBytes(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem", e);
    }
  }

  static String detail(int status, String message, Throwable cause) {
    return switch (status) {
      case 400 -> "malformed request: " + malformation(message, cause);
      case 414 -> "the request URI is longer than this server accepts";
      case 431 -> "the request headers are larger than this server accepts";
      default -> message == null ? HttpStatus.getMessage(status) : message;
    };
  }

  /** What Jetty found wrong, in the most specific words it left: its reason, else the root cause's. */
  private static String malformation(String message, Throwable cause) {
    Throwable root = cause;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof NumberFormatException) {
      return "invalid percent-encoding in the URI (a % must be followed by two hex digits)";
    }
    if (message != null && !message.equals(HttpStatus.getMessage(400))) {
      return message;
    }
    if (root != null && root != cause && root.getMessage() != null) {
      return root.getMessage();
    }
    return "it is not valid HTTP/1.1";
  }
}
