package io.stocklog.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node, broker and KRaft controller in one, run in this JVM by Apache Kafka's own server
 * ({@link KafkaRaftServer}, what {@code kafka-server-start.sh} runs), whose log lives in a directory that
 * outlives it: stop it, start it again on the same directory, and every topic, record, committed offset and
 * transaction is where it was. This is the broker of the one-command local stack; tests use
 * {@link EmbeddedKafka}, which forgets everything on close.
 *
 * <p>The directory is formatted on the first start (a new cluster ID, the latest production metadata version)
 * and reused as it is afterwards. Clients connect to {@code localhost:<port>}, the only listener they see; the
 * controller listens on a free loopback port picked at each start, which only this node ever uses (the quorum
 * is static, one voter), so it may change between runs.
 *
 * <p>Hazard: Kafka locks its log directory, and a second node on the same directory fails at start. Callers
 * that may race (two local stacks on one data directory) hold a lock of their own first and say so plainly.
 */
public final class SingleNodeKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SingleNodeKafka.class);
    /** The port clients expect a broker on. */
    public static final int DEFAULT_PORT = 9092;
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final KafkaRaftServer server;
    private final Path directory;
    private final int port;
    private final boolean formatted;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SingleNodeKafka(KafkaRaftServer server, Path directory, int port, boolean formatted, Duration startupTime) {
        this.server = server;
        this.directory = directory;
        this.port = port;
        this.formatted = formatted;
        this.startupTime = startupTime;
    }

    /**
     * Starts the node on {@code directory} (created and formatted if new) with clients' listener on
     * {@code localhost:port}, and returns once it answers an Admin client.
     *
     * @throws IllegalStateException if the port is taken, the directory cannot be used, or the node does not
     *                               answer within two minutes
     */
    public static SingleNodeKafka start(Path directory, int port) {
        Objects.requireNonNull(directory, "directory");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        if (!portFree(port)) {
            throw new IllegalStateException("Kafka: port " + port + " on localhost is already in use");
        }
        long started = System.nanoTime();
        boolean formatted = formatIfNew(directory);
        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(properties(directory, port, freePort()), false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka: cannot configure a node on " + directory + ": " + e.getMessage(), e);
        }
        try {
            server.startup();
            awaitAnswer("localhost:" + port);
        } catch (RuntimeException e) {
            stopQuietly(server, e);
            throw new IllegalStateException("Kafka: the node on " + directory + " did not start: " + e.getMessage(), e);
        }
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        log.info("Kafka node ready at localhost:{} in {} ms, log in {}{}", port, startupTime.toMillis(), directory,
                formatted ? " (new)" : "");
        return new SingleNodeKafka(server, directory, port, formatted, startupTime);
    }

    /** {@code preferred} if nothing listens on it on localhost, else a free port. */
    public static int portOrFree(int preferred) {
        return portFree(preferred) ? preferred : freePort();
    }

    /** Whether a server socket can be bound to {@code port} on the loopback address now. */
    public static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka: no free port on localhost", e);
        }
    }

    /** The node's settings: one voter, internal topics of replication 1, no topic created by accident. */
    static Map<String, String> config(Path directory, int port, int controllerPort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(NODE_ID));
        c.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        c.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("log.dirs", directory.toString());
        // One broker: the internal topics' default replication of 3 could never be met.
        c.put("offsets.topic.replication.factor", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        // A lone consumer group member gets its partitions at once.
        c.put("group.initial.rebalance.delay.ms", "0");
        // Every topic is created on purpose with its partition count; a mistyped name must fail loudly.
        c.put("auto.create.topics.enable", "false");
        return c;
    }

    private static Properties properties(Path directory, int port, int controllerPort) {
        Properties p = new Properties();
        p.putAll(config(directory, port, controllerPort));
        return p;
    }

    /** Formats {@code directory} unless a previous start did; returns whether it did now. */
    private static boolean formatIfNew(Path directory) {
        if (Files.exists(directory.resolve("meta.properties"))) {
            return false;
        }
        try {
            Files.createDirectories(directory);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .addDirectory(directory.toString())
                    .setMetadataLogDirectory(directory.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka: cannot format " + directory + " for a new node: " + e.getMessage(), e);
        }
    }

    private static void awaitAnswer(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers, e);
        } catch (Exception e) {
            throw new IllegalStateException("no answer at " + bootstrapServers + ": " + e, e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server, RuntimeException failure) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the node keeps its log and metadata. */
    public Path directory() {
        return directory;
    }

    /** Whether this start formatted the directory: the cluster is new and empty. */
    public boolean isNew() {
        return formatted;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the node (a controlled shutdown; the log stays). Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        log.info("Stopping the Kafka node at localhost:{}", port);
        server.shutdown();
        server.awaitShutdown();
        log.info("Kafka node at localhost:{} stopped; its log stays in {}", port, directory);
    }
}
