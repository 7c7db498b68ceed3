package io.stocklog.infra;

import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link TestKafka} and {@link TestDatabase} parameters; use it through {@link WithInfra}.
 *
 * <p>Everything lives in JUnit's stores, which close what they hold when their scope ends: the located
 * Postgres server and the shared Kafka clusters in the root store (closed when the test plan ends,
 * once per JVM under Surefire), a class's database, dedicated cluster and broker restarter in that
 * class's store (closed after its {@code @AfterAll}). Creation is lazy, so a class that only needs
 * Postgres never waits for a broker, and a failure to start either is reported, with its cause, on
 * every test that asked for it.
 */
public final class InfraExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(InfraExtension.class);
    private static final Namespace NAMESPACE = Namespace.create(InfraExtension.class);
    private static final Settings DEFAULTS = new Settings(1, false);

    /** What {@link WithInfra} asked for, or the defaults when the extension was registered directly. */
    private record Settings(int brokers, boolean dedicatedKafka) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestKafka.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return parameter.getParameter().getType() == TestKafka.class
                ? kafka(classContext)
                : database(classContext);
    }

    private static TestKafka kafka(ExtensionContext classContext) {
        Settings settings = settings(classContext);
        int brokers = settings.brokers();
        if (settings.dedicatedKafka()) {
            EmbeddedKafka dedicated = classContext.getStore(NAMESPACE).getOrComputeIfAbsent(
                    "kafka-dedicated-" + brokers, key -> EmbeddedKafka.start(brokers), EmbeddedKafka.class);
            return new TestKafka(dedicated);
        }
        EmbeddedKafka shared = classContext.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                "kafka-shared-" + brokers, key -> EmbeddedKafka.start(brokers), EmbeddedKafka.class);
        classContext.getStore(NAMESPACE).getOrComputeIfAbsent("kafka-shared-" + brokers + "-restarter",
                key -> new StoppedBrokerRestarter(shared, classContext.getDisplayName()),
                StoppedBrokerRestarter.class);
        return new TestKafka(shared);
    }

    private static TestDatabase database(ExtensionContext classContext) {
        Postgres server = classContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("postgres", key -> Postgres.locate(), Postgres.class);
        ScratchDatabase database = classContext.getStore(NAMESPACE).getOrComputeIfAbsent("database",
                key -> ScratchDatabase.create(server.endpoint(), classContext.getRequiredTestClass().getSimpleName()),
                ScratchDatabase.class);
        return database.database();
    }

    /** The context of the class a method, template invocation or constructor belongs to. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent()) {
            current = current.getParent().orElseThrow();
        }
        return current;
    }

    /** The nearest {@link WithInfra} on the class, its superclasses or its enclosing classes. */
    private static Settings settings(ExtensionContext classContext) {
        for (Class<?> type = classContext.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
            Optional<WithInfra> found = AnnotationSupport.findAnnotation(type, WithInfra.class);
            if (found.isPresent()) {
                return new Settings(found.get().brokers(), found.get().dedicatedKafka());
            }
        }
        return DEFAULTS;
    }

    /**
     * Closed with a class's store: restarts any broker of the shared cluster that the class left
     * stopped, so the next class starts with the whole cluster whatever this one did or how it failed.
     */
    private static final class StoppedBrokerRestarter implements AutoCloseable {
        private final EmbeddedKafka cluster;
        private final String owner;

        StoppedBrokerRestarter(EmbeddedKafka cluster, String owner) {
            this.cluster = cluster;
            this.owner = owner;
        }

        @Override
        public void close() {
            for (int index = 0; index < cluster.brokerCount(); index++) {
                if (!cluster.isBrokerRunning(index)) {
                    log.info("Restarting Kafka broker {} that {} left stopped", index, owner);
                    cluster.startBroker(index);
                }
            }
        }
    }
}
