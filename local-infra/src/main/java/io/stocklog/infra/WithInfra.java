package io.stocklog.infra;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka cluster and a real Postgres database through {@link InfraExtension}:
 * declare a {@link TestKafka} or {@link TestDatabase} parameter on a constructor, test or lifecycle
 * method. Nothing starts until some parameter asks for it.
 *
 * <p>Kafka: by default one cluster of {@link #brokers()} brokers per JVM, shared by every class asking
 * for that size, so it starts once (a second or two). Brokers a class stopped are restarted after it. A class
 * that harms the cluster in other ways (broker configs, deleting internal topics) sets
 * {@link #dedicatedKafka()} and gets a cluster of its own, closed after it.
 *
 * <p>Postgres: one fresh database per class, dropped after it; {@code @Nested} classes share their
 * enclosing class's database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(InfraExtension.class)
public @interface WithInfra {
    /** Brokers in the Kafka cluster: 1 for most tests, 3 to stop one and keep min.insync.replicas=2 writable. */
    int brokers() default 1;

    /** A cluster for this class alone, closed after it, instead of the JVM-wide one of this size. */
    boolean dedicatedKafka() default false;
}
