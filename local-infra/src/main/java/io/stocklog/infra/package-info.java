/**
 * The real infrastructure that tests and the local stack run against: Kafka brokers in-process
 * ({@link io.stocklog.infra.EmbeddedKafka}), a Postgres server found or started
 * ({@link io.stocklog.infra.Postgres}), and a JUnit 5 extension handing both to test classes.
 *
 * <pre>{@code
 * @WithInfra                       // or @WithInfra(brokers = 3)
 * class ProjectorEndToEndTest {
 *     @Test
 *     void foldsTheLogIntoTheReadModel(TestKafka kafka, TestDatabase database) {
 *         String events = kafka.createUniqueTopic("inventory.events", 3);
 *         // produce to kafka.bootstrapServers(), run the projector, query database.dataSource()
 *     }
 * }
 * }</pre>
 */
package io.stocklog.infra;
