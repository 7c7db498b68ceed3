package io.stocklog.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Kafka brokers inside this JVM, run by Apache Kafka's own server code through
 * {@link KafkaClusterTestKit}: KRaft mode, one controller, {@code n} brokers.
 *
 * <p>Why in-process: it starts in a few seconds, needs no Docker, and is exactly the server release (the parent pom's kafka.version) the
 * clients are built against, so transactions, idempotence and consumer groups behave as they will in
 * production. The cluster bootstraps at the latest <em>production</em> metadata version with unstable
 * APIs off (the test kit's defaults enable unreleased features), for the same reason.
 *
 * <p>Layout: node 0 runs broker 0 and the single KRaft controller together; nodes 1..n-1 are plain
 * brokers. {@link #stopBroker(int)} stops only the broker role, so stopping broker 0 leaves the
 * controller, and with it the cluster's metadata, running. A stop is a controlled shutdown: leadership
 * moves away and the broker leaves the ISRs before it goes, as in a rolling restart. Ports stay the
 * same across a restart, so {@link #bootstrapServers()} never changes.
 *
 * <p>No JUnit here: the local stack's {@code main} runs its development broker with this class.
 * Data lives in a temporary directory deleted on {@link #close()}, after the brokers have stopped. The
 * directory is made here, not by the test kit: the kit's own registers a JVM shutdown hook that deletes it,
 * which on Ctrl-C races the caller's hook closing the cluster and fails the broker's log directory under it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final KafkaClusterTestKit cluster;
    private final int brokerCount;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Admin admin;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaClusterTestKit cluster, int brokerCount, String bootstrapServers, Duration startupTime) {
        this.cluster = cluster;
        this.brokerCount = brokerCount;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin"));
    }

    /** Starts {@code brokers} brokers with the defaults of {@link #brokerConfig(int, Map)}; returns when all are ready. */
    public static EmbeddedKafka start(int brokers) {
        return start(brokers, Map.of());
    }

    /**
     * Starts {@code brokers} brokers; {@code overrides} are broker settings that win over the defaults.
     *
     * @throws IllegalArgumentException if {@code brokers < 1}
     * @throws IllegalStateException    if the cluster does not become ready within two minutes
     */
    public static EmbeddedKafka start(int brokers, Map<String, String> overrides) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        Objects.requireNonNull(overrides, "overrides");
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = build(brokers, brokerConfig(brokers, overrides));
        try {
            within(STARTUP_TIMEOUT, "start " + brokers + " broker(s)", () -> {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            });
            Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, brokers, cluster.bootstrapServers(), startupTime);
            log.info("Kafka cluster of {} broker(s) ready at {} in {} ms",
                    brokers, kafka.bootstrapServers, startupTime.toMillis());
            return kafka;
        } catch (RuntimeException e) {
            closeAfterFailedStart(cluster, e);
            throw e;
        }
    }

    /**
     * The broker settings: {@code overrides} first, then a default for each setting they leave out.
     * Internal topics are sized to the cluster: replication {@code min(brokers, 3)}, min ISR one less
     * (at least 1), so one broker can be stopped without blocking transactions or offset commits.
     */
    static Map<String, String> brokerConfig(int brokers, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>(overrides);
        String replication = Integer.toString(Math.min(brokers, 3));
        String minIsr = Integer.toString(Math.max(1, Math.min(brokers, 3) - 1));
        // Consumer offsets live here; the default factor of 3 cannot be met by one broker.
        config.putIfAbsent("offsets.topic.replication.factor", replication);
        // Exactly-once Streams and transactional producers need these to fit the cluster, or they hang.
        config.putIfAbsent("transaction.state.log.replication.factor", replication);
        config.putIfAbsent("transaction.state.log.min.isr", minIsr);
        // Same rule for share groups' state topic, should anyone use them.
        config.putIfAbsent("share.coordinator.state.topic.replication.factor", replication);
        config.putIfAbsent("share.coordinator.state.topic.min.isr", minIsr);
        // A lone test consumer should get its partitions at once, not after the default 3 s wait for peers.
        config.putIfAbsent("group.initial.rebalance.delay.ms", "0");
        // Every topic is created on purpose with its partition count; a mistyped name must fail loudly.
        config.putIfAbsent("auto.create.topics.enable", "false");
        // The controller refuses a restarted broker until its old session expires (default 9 s); a shorter
        // session makes a restart take about 3 s. Six missed heartbeats are still needed to fence a broker.
        config.putIfAbsent("broker.heartbeat.interval.ms", "500");
        config.putIfAbsent("broker.session.timeout.ms", "3000");
        // Behave like a released broker of that version; the test kit turns unreleased APIs and features on.
        config.putIfAbsent("unstable.api.versions.enable", "false");
        config.putIfAbsent("unstable.feature.versions.enable", "false");
        return config;
    }

    private static KafkaClusterTestKit build(int brokers, Map<String, String> config) {
        Path baseDirectory;
        try {
            baseDirectory = Files.createTempDirectory("stocklog-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka: cannot create a directory for the broker's data", e);
        }
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDirectory)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            config.forEach(builder::setConfigProp);
            // close() deletes the directory, once every broker and the controller have stopped.
            return builder.setDeleteOnClose(true).build();
        } catch (Exception e) {
            deleteQuietly(baseDirectory, e);
            throw new IllegalStateException("Kafka: could not create a cluster of " + brokers
                    + " broker(s): " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path directory, Exception failure) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, features, "stocklog-embedded-kafka");
    }

    private static void closeAfterFailedStart(KafkaClusterTestKit cluster, RuntimeException failure) {
        try {
            cluster.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Comma-separated {@code host:port} of every broker; stable for the life of the cluster, across restarts. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the brokers and the controller keep their logs and metadata; gone once {@link #close()} returns. */
    public Path dataDirectory() {
        return Path.of(cluster.nodes().baseDirectory());
    }

    public int brokerCount() {
        return brokerCount;
    }

    /** How long {@link #start(int, Map)} took from call to all brokers ready. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isBrokerRunning(int index) {
        return !broker(index).isShutdown();
    }

    /**
     * Stops broker {@code index} (controlled shutdown) and returns once it is down. Leadership of its
     * partitions has moved to their other replicas, if any, and the controller has taken it out of their
     * ISRs; brokers answering clients learn of it within moments.
     *
     * @throws IllegalStateException if the broker is already stopped
     */
    public synchronized void stopBroker(int index) {
        ensureOpen();
        BrokerServer broker = broker(index);
        if (broker.isShutdown()) {
            throw new IllegalStateException("broker " + index + " is already stopped");
        }
        long started = System.nanoTime();
        within(OPERATION_TIMEOUT, "stop broker " + index, () -> {
            broker.shutdown(OPERATION_TIMEOUT);
            broker.awaitShutdown();
        });
        log.info("Kafka broker {} stopped in {} ms", index, elapsedMillis(started));
    }

    /**
     * Starts broker {@code index} again on its old port and returns once it is fully back: registered,
     * unfenced, known to every running broker, and in the ISR of every partition it replicates, so a
     * test may stop another broker straight after.
     *
     * @throws IllegalStateException if the broker is running
     */
    public synchronized void startBroker(int index) {
        ensureOpen();
        BrokerServer broker = broker(index);
        if (!broker.isShutdown()) {
            throw new IllegalStateException("broker " + index + " is already running");
        }
        long started = System.nanoTime();
        within(OPERATION_TIMEOUT, "restart broker " + index, () -> {
            broker.startup();
            awaitKnownToRunningBrokers(index);
            awaitBackInIsr(index);
        });
        log.info("Kafka broker {} restarted and back in sync in {} ms", index, elapsedMillis(started));
    }

    /**
     * Creates a topic and returns once every partition has a leader and a full ISR.
     *
     * @throws IllegalArgumentException for a blank name, fewer than 1 partition, or a replication factor
     *                                  outside 1..brokerCount
     * @throws IllegalStateException    if the topic exists or the cluster does not create it in time
     */
    public void createTopic(String name, int partitions, int replication, Map<String, String> configs) {
        ensureOpen();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replication < 1 || replication > brokerCount) {
            throw new IllegalArgumentException("replication must be between 1 and " + brokerCount
                    + " (the broker count), was " + replication);
        }
        Objects.requireNonNull(configs, "configs");
        NewTopic topic = new NewTopic(name, partitions, (short) replication).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new IllegalStateException("topic " + name + " already exists", e.getCause());
            }
            throw new IllegalStateException("Kafka: could not create topic " + name + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka: topic " + name + " not created within "
                    + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        within(OPERATION_TIMEOUT, "elect leaders for topic " + name, () -> {
            while (!fullyReplicated(name, replication)) {
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        });
    }

    /** A new Admin client for this cluster; the caller owns and closes it. */
    public Admin newAdmin() {
        ensureOpen();
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Stops every broker and the controller and deletes the data. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        log.info("Stopping Kafka cluster at {}", bootstrapServers);
        admin.close(Duration.ofSeconds(5));
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the Kafka cluster at " + bootstrapServers, e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka: the cluster at " + bootstrapServers
                    + " reported a failure while stopping: " + e.getMessage(), e);
        }
        log.info("Kafka cluster at {} stopped", bootstrapServers);
    }

    private BrokerServer broker(int index) {
        if (index < 0 || index >= brokerCount) {
            throw new IllegalArgumentException("broker index must be between 0 and " + (brokerCount - 1)
                    + ", was " + index);
        }
        return cluster.brokers().get(index);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the Kafka cluster at " + bootstrapServers + " is closed");
        }
    }

    private boolean fullyReplicated(String topic, int replication) throws Exception {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false; // created, but the broker answering has not caught up with the metadata yet
            }
            throw e;
        }
        return description.partitions().stream()
                .allMatch(p -> p.leader() != null && p.isr().size() == replication);
    }

    private void awaitKnownToRunningBrokers(int index) throws InterruptedException {
        while (!runningBrokers().stream().allMatch(b -> b.metadataCache().hasAliveBroker(index))) {
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private List<BrokerServer> runningBrokers() {
        List<BrokerServer> running = new ArrayList<>();
        for (BrokerServer broker : cluster.brokers().values()) {
            if (!broker.isShutdown()) {
                running.add(broker);
            }
        }
        return running;
    }

    /** Waits until the broker is in the ISR of every partition, internal topics included, that it replicates. */
    private void awaitBackInIsr(int index) throws Exception {
        while (true) {
            var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            var descriptions = admin.describeTopics(names).allTopicNames()
                    .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            boolean inSync = descriptions.values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .filter(p -> hasReplica(p, index))
                    .allMatch(p -> p.isr().stream().anyMatch(n -> n.id() == index));
            if (inSync) {
                return;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private static boolean hasReplica(TopicPartitionInfo partition, int index) {
        return partition.replicas().stream().anyMatch(n -> n.id() == index);
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** A blocking step against the cluster; may throw anything. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs {@code step} on its own thread and gives up after {@code timeout}: the test kit's own waits
     * are up to ten minutes or unbounded, and a wedged broker must fail a build, not hang it.
     */
    private static void within(Duration timeout, String what, Step step) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            step.run();
            return null;
        });
        Thread thread = new Thread(task, "embedded-kafka-" + what.replace(' ', '-'));
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new IllegalStateException("Kafka: could not " + what + " within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka: could not " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        }
    }
}
