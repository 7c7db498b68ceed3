package io.stocklog.http;

import io.javalin.Javalin;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The routes a running service's Javalin app serves, read from its router, so that what the OpenAPI
 * document is held to is never a list kept by hand. The services keep their app to themselves, so it is
 * found by walking the service's fields (and the resources it holds for closing) to its one {@link Javalin}.
 */
public final class ServedRoutes {

  private static final int MAX_DEPTH = 4;

  private ServedRoutes() {}

  /** {@code "METHOD /path"} for every HTTP handler (not before/after filters), placeholders normalised. */
  public static Set<String> of(Object service) {
    Javalin app = find(service, Collections.newSetFromMap(new IdentityHashMap<>()), MAX_DEPTH)
        .orElseThrow(() -> new AssertionError("no Javalin app reachable from " + service));
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(parsed -> parsed.endpoint)
        .filter(endpoint -> endpoint.method.isHttpMethod())
        .map(endpoint -> endpoint.method.name() + " " + OpenApiSpec.normalise(endpoint.path))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Optional<Javalin> find(Object from, Set<Object> seen, int depth) {
    if (from == null || depth < 0 || !seen.add(from)) {
      return Optional.empty();
    }
    if (from instanceof Javalin app) {
      return Optional.of(app);
    }
    if (from instanceof Iterable<?> items) {
      for (Object item : items) {
        Optional<Javalin> found = find(item, seen, depth - 1);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    // Only this project's objects (the lambdas it holds included): never into a library's or the JDK's.
    if (!from.getClass().getName().startsWith("io.stocklog.")) {
      return Optional.empty();
    }
    for (Class<?> c = from.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
          Optional<Javalin> found = find(field.get(from), seen, depth - 1);
          if (found.isPresent()) {
            return found;
          }
        } catch (IllegalAccessException | InaccessibleObjectException e) {
          // not readable from here, so not a way to the app
        }
      }
    }
    return Optional.empty();
  }
}
