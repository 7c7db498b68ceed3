package io.stocklog.infra;

import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;

/**
 * A test's view of a running Kafka cluster. The cluster is usually shared by every test class in the
 * JVM, so this view cannot close it, and tests keep apart by naming topics, consumer groups and
 * Streams application IDs with {@link #uniqueName(String)}.
 */
public final class TestKafka {
    private static final Pattern NAME_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final EmbeddedKafka cluster;

    TestKafka(EmbeddedKafka cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** For {@code bootstrap.servers}; unchanged when brokers stop and start. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public int brokerCount() {
        return cluster.brokerCount();
    }

    /**
     * {@code prefix} plus a random suffix, e.g. {@code orders-3f9a0c71d2}: a legal topic name, group ID
     * and Streams application ID that no other test will use.
     *
     * @throws IllegalArgumentException unless the prefix is 1 to 200 of {@code [A-Za-z0-9._-]}
     */
    public String uniqueName(String prefix) {
        if (prefix == null || !NAME_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must be 1 to 200 of [A-Za-z0-9._-], was " + prefix);
        }
        byte[] random = new byte[5];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + "-" + HexFormat.of().formatHex(random);
    }

    /**
     * Creates a topic named {@link #uniqueName(String) uniquely} from {@code prefix}, replicated to every
     * broker up to three, and returns its name once every partition has a leader.
     */
    public String createUniqueTopic(String prefix, int partitions) {
        String name = uniqueName(prefix);
        cluster.createTopic(name, partitions, Math.min(brokerCount(), 3), Map.of());
        return name;
    }

    /** See {@link EmbeddedKafka#createTopic(String, int, int, Map)}. */
    public void createTopic(String name, int partitions, int replication, Map<String, String> configs) {
        cluster.createTopic(name, partitions, replication, configs);
    }

    /** A new Admin client; the caller closes it. */
    public Admin newAdmin() {
        return cluster.newAdmin();
    }

    /** See {@link EmbeddedKafka#stopBroker(int)}. */
    public void stopBroker(int index) {
        cluster.stopBroker(index);
    }

    /** See {@link EmbeddedKafka#startBroker(int)}. */
    public void startBroker(int index) {
        cluster.startBroker(index);
    }

    public boolean isBrokerRunning(int index) {
        return cluster.isBrokerRunning(index);
    }

    @Override
    public String toString() {
        return "TestKafka[" + bootstrapServers() + ", " + brokerCount() + " broker(s)]";
    }
}
