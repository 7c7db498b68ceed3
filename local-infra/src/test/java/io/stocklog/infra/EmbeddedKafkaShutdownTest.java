package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A broker stopped by a signal, as Ctrl-C stops the local stack: a JVM shutdown hook closes it, the broker
 * shuts down cleanly (no log directory failing under it), and only then is its data deleted.
 */
class EmbeddedKafkaShutdownTest {

    private static final String READY = "READY ";

    /** The child JVM: a broker holding a record, closed by a shutdown hook as {@code LocalStack.main} closes it. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(1);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "close-kafka"));
        kafka.createTopic("signalled", 1, 1, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("signalled", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        System.out.println(READY + kafka.dataDirectory());
        Thread.sleep(Long.MAX_VALUE);
    }

    @Test
    void aSignalStopsTheBrokerCleanlyAndOnlyThenDeletesItsData() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaShutdownTest.class.getName()).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    if (line.startsWith(READY)) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                output.add("reading the child's output failed: " + e);
            }
        });
        try {
            assertThat(ready.await(120, TimeUnit.SECONDS)).as("child ready; its output: %s", output).isTrue();

            // SIGTERM, so the JVM runs its shutdown hooks as on Ctrl-C (Process.destroy would close our pipes).
            child.toHandle().destroy();

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child stopped; its output: %s", output).isTrue();
            reader.join(10_000);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        Path data = Path.of(output.stream().filter(l -> l.startsWith(READY)).findFirst().orElseThrow()
                .substring(READY.length()));
        assertThat(output).as("the child's log").noneMatch(line -> line.contains(" ERROR "))
                .noneMatch(line -> line.contains("have failed"))
                .anyMatch(line -> line.contains("Kafka cluster at") && line.contains("stopped"));
        assertThat(Files.exists(data)).as("%s deleted", data).isFalse();
    }
}
