package io.stocklog.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A service's answer to {@code GET /ready}: whether its dependencies answer, each named check's state, and
 * when not ready, why. Ready is a {@code 200} {@code {"status":"UP","checks":{...}}}; not ready a {@code 503}
 * problem with {@code Retry-After: 1}, the detail, and the same {@code checks}.
 *
 * <p>Whoever supplies it must answer at once, without waiting for a lock or a dependency beyond a short
 * timeout: a load balancer asks often, and a readiness check that hangs looks like a dead process.
 *
 * @param checks each check's state by name (for example {@code "kafka": "UP"}), in the order given
 * @param detail why it is not ready, naming the check at fault; null when ready
 */
public record Readiness(boolean ready, Map<String, String> checks, String detail) {

  public Readiness {
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    if (!ready) {
      Objects.requireNonNull(detail, "a service that is not ready says why");
    }
  }

  public static Readiness up(Map<String, String> checks) {
    return new Readiness(true, checks, null);
  }

  public static Readiness down(String detail, Map<String, String> checks) {
    return new Readiness(false, checks, detail);
  }
}
