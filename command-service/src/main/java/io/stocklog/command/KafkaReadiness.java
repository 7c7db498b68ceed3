package io.stocklog.command;

import io.stocklog.http.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers: a cluster description within {@link #TIMEOUT}. The answer is kept for
 * {@link #CACHE_FOR}, so a load balancer probing often costs Kafka one request a second at most.
 */
final class KafkaReadiness {

  static final Duration TIMEOUT = Duration.ofSeconds(1);
  static final Duration CACHE_FOR = Duration.ofSeconds(1);

  /** The outcome of one check: {@code problem} is null when Kafka answered. */
  record Check(Instant at, String problem) {
    boolean ready() {
      return problem == null;
    }
  }

  private final Admin admin;
  private final Clock clock;
  private Check last;

  KafkaReadiness(Admin admin, Clock clock) {
    this.admin = admin;
    this.clock = clock;
  }

  synchronized Check check() {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.at().plus(CACHE_FOR))) {
      return last;
    }
    last = new Check(now, probe());
    return last;
  }

  /** The answer to {@code GET /ready}: the check {@code kafka}, UP or DOWN, and when down what Kafka did. */
  Readiness readiness() {
    Check kafka = check();
    Map<String, String> checks = Map.of("kafka", kafka.ready() ? "UP" : "DOWN");
    return kafka.ready() ? Readiness.up(checks) : Readiness.down("kafka: " + kafka.problem(), checks);
  }

  private String probe() {
    try {
      int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
          .nodes().get(TIMEOUT.toMillis() + 200, TimeUnit.MILLISECONDS).size();
      return brokers > 0 ? null : "Kafka reports no brokers";
    } catch (ExecutionException e) {
      return "Kafka did not answer: " + e.getCause();
    } catch (TimeoutException e) {
      return "Kafka did not answer within " + TIMEOUT.toMillis() + " ms";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while asking Kafka";
    }
  }
}
