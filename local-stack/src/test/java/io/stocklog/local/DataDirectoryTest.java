package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock, identity and start-empty deletion. */
class DataDirectoryTest {

  @TempDir
  Path root;

  @Test
  void itIsHeldByOneStackAtATime() {
    try (DataDirectory first = DataDirectory.open(root)) {
      assertThatThrownBy(() -> DataDirectory.open(root)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another local stack");
    }
    try (DataDirectory again = DataDirectory.open(root)) {
      assertThat(again.root()).isEqualTo(root.toAbsolutePath().normalize());
    }
  }

  @Test
  void anIdentityWrittenIsReadBack() {
    try (DataDirectory data = DataDirectory.open(root)) {
      assertThat(data.identity()).isEmpty();
      DataDirectory.Identity identity = DataDirectory.Identity.fresh("stocklog_local");
      data.write(identity);
      assertThat(data.identity()).contains(identity);
      assertThat(identity.comment()).isEqualTo("stocklog local stack " + identity.id());
    }
  }

  @Test
  void startingEmptyDeletesTheLogStateAndIdentityAndNothingElse() throws Exception {
    Files.writeString(root.resolve("notes.txt"), "mine");
    try (DataDirectory data = DataDirectory.open(root)) {
      Files.createDirectories(data.kafka().resolve("inventory.events-0"));
      Files.writeString(data.kafka().resolve("meta.properties"), "node.id=1");
      Files.createDirectories(data.projectorState().resolve("stocklog-projector/0_1"));
      data.write(DataDirectory.Identity.fresh("stocklog_local"));
      assertThat(data.holdsLog()).isTrue();

      data.clear();

      assertThat(data.holdsLog()).isFalse();
      assertThat(data.identity()).isEmpty();
      assertThat(data.kafka()).doesNotExist();
      assertThat(data.projectorState()).doesNotExist();
      assertThat(root.resolve("notes.txt")).hasContent("mine");
    }
  }
}
