package io.stocklog.local.faults;

import io.stocklog.infra.TestKafka;
import io.stocklog.local.LocalStack;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Local stacks for the fault tests, each with names of its own so that several can share a cluster. */
final class Stacks {

  private Stacks() {}

  /**
   * Options for a stack on {@code kafka}'s cluster: its own topics, projector application ID, read-model
   * consumer group and database, all named after {@code name}.
   */
  static LocalStack.Options onCluster(TestKafka kafka, String name, int partitions) {
    return onCluster(kafka.bootstrapServers(), name, partitions);
  }

  static LocalStack.Options onCluster(String bootstrapServers, String name, int partitions) {
    String suffix = HexFormat.of().formatHex(randomBytes());
    String unique = name + "-" + suffix;
    return new LocalStack.Options()
        .kafka(bootstrapServers)
        .partitions(partitions)
        .database(("f_" + name + "_" + suffix).replace('-', '_'))
        .env("STOCKLOG_EVENTS_TOPIC", unique + ".events")
        .env("STOCKLOG_OUTCOMES_TOPIC", unique + ".outcomes")
        .env("STOCKLOG_DEAD_LETTER_TOPIC", unique + ".dead-letters")
        .env("STOCKLOG_PROJECTOR_APP_ID", unique + "-projector")
        .env("STOCKLOG_READ_MODEL_GROUP", unique + "-read-model");
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
