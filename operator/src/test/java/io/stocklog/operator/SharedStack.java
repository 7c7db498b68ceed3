package io.stocklog.operator;

import io.stocklog.local.LocalStack;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link LocalStack} parameter: one stack (broker, Postgres database, the three services) for every
 * test class of the JVM that asks, started on first use and closed when the test plan ends. The operator's
 * commands are read-mostly, and each test names its own SKUs and topics, so they can share one.
 */
final class SharedStack implements ParameterResolver {

  static final int PARTITIONS = 4;
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("stack", key -> {
      byte[] random = new byte[4];
      ThreadLocalRandom.current().nextBytes(random);
      return LocalStack.start(0, 0, 0, PARTITIONS, "operator_" + HexFormat.of().formatHex(random));
    }, LocalStack.class);
  }
}
