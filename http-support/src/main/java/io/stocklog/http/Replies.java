package io.stocklog.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.stocklog.json.Json;

/** Writing an answer's body: JSON, or a {@link Problem} as {@code application/problem+json}, with the system's one mapper. */
public final class Replies {

  public static final String JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";

  private Replies() {}

  public static void json(Context ctx, int status, Object body) {
    write(ctx, status, JSON, body);
  }

  /** A JSON body already written (see {@code io.stocklog.json.PlainJson}). */
  public static void json(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType(JSON).result(body);
  }

  /** The problem's status, headers and body. */
  public static void problem(Context ctx, Problem problem) {
    problem.headers().forEach(ctx::header);
    write(ctx, problem.status(), PROBLEM_JSON, problem.body());
  }

  private static void write(Context ctx, int status, String contentType, Object body) {
    try {
      ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON reply", e);
    }
  }
}
