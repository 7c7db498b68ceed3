package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.SkuRow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity tags and the If-None-Match check of RFC 9110, without a server. */
class EntityTagsTest {

  static SkuRow row(String sku, int partition, long offset) {
    return new SkuRow(sku, 5, 1, 4, new Position(partition, offset), Instant.EPOCH);
  }

  @Test
  void aSkusTagIsItsRowsPositionWeak() {
    assertThat(EntityTags.of(row("a", 3, 17))).isEqualTo("W/\"3-17\"");
  }

  @Test
  void ifNoneMatchComparesWeaklyAcrossListsAndLines() {
    String tag = "W/\"3-17\"";
    assertThat(EntityTags.matchesAny(List.of("W/\"3-17\""), tag)).isTrue();
    assertThat(EntityTags.matchesAny(List.of("\"3-17\""), tag)).as("weak comparison ignores W/").isTrue();
    assertThat(EntityTags.matchesAny(List.of("W/\"3-16\", W/\"3-17\""), tag)).isTrue();
    assertThat(EntityTags.matchesAny(List.of("W/\"3-16\"", "\"x\",W/\"3-17\""), tag)).isTrue();
    assertThat(EntityTags.matchesAny(List.of("*"), tag)).isTrue();
    assertThat(EntityTags.matchesAny(List.of("W/\"3-16\""), tag)).isFalse();
    assertThat(EntityTags.matchesAny(List.of("W/\"3-1\""), tag)).as("no prefix match").isFalse();
    assertThat(EntityTags.matchesAny(List.of("3-17"), tag)).as("an unquoted value is not a tag").isFalse();
    assertThat(EntityTags.matchesAny(List.of("garbage, W/\"3-17\""), tag)).isTrue();
    assertThat(EntityTags.matchesAny(List.of("W/\"3-17"), tag)).as("unterminated").isFalse();
    assertThat(EntityTags.matchesAny(List.of(""), tag)).isFalse();
  }

  @Test
  void aListsTagChangesWithAnyRowsPositionAndWithWhatIsMissing() {
    String base = EntityTags.ofMany(List.of(row("a", 1, 5), row("b", 2, 7)), List.of("c"));
    assertThat(EntityTags.ofMany(List.of(row("a", 1, 5), row("b", 2, 7)), List.of("c"))).isEqualTo(base);
    assertThat(EntityTags.ofMany(List.of(row("a", 1, 6), row("b", 2, 7)), List.of("c"))).isNotEqualTo(base);
    assertThat(EntityTags.ofMany(List.of(row("a", 1, 5), row("b", 2, 7)), List.of())).isNotEqualTo(base);
    assertThat(base).startsWith("W/\"").endsWith("\"");
  }
}
