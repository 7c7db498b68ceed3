package io.stocklog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.PartitionPosition;
import io.stocklog.readmodel.SkuRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fan-out without a server: only the changed SKU's streams hear it, and a stream that falls behind is dropped. */
class StockFeedTest {

  static Round round(long applied, SkuRow... changed) {
    return new Round(Map.of(1, new PartitionPosition(1, applied, Instant.EPOCH, 0)), List.of(changed),
        System.nanoTime());
  }

  static SkuRow row(String sku, long offset) {
    return new SkuRow(sku, 5, 1, 4, new Position(1, offset), Instant.EPOCH);
  }

  @Test
  void aChangeReachesEveryStreamOfItsSkuOnceAndNoOther() throws Exception {
    StockFeed feed = new StockFeed();
    StockFeed.Subscription a1 = feed.subscribe("a");
    StockFeed.Subscription a2 = feed.subscribe("a");
    StockFeed.Subscription b = feed.subscribe("b");
    feed.round(round(9, row("a", 9)));
    StockFeed.Change c1 = a1.next(Duration.ofSeconds(1));
    StockFeed.Change c2 = a2.next(Duration.ofSeconds(1));
    assertThat(c1.row().position().offset()).isEqualTo(9);
    assertThat(c2.event()).as("written once, the same bytes for every stream").isSameAs(c1.event());
    assertThat(new String(c1.event())).startsWith("id: 1-9\ndata: {\"sku\":\"a\"").endsWith("}\n\n");
    assertThat(b.next(Duration.ofMillis(50))).isNull();
    feed.unsubscribe(a1);
    feed.unsubscribe(a2);
    feed.unsubscribe(b);
    assertThat(feed.skus()).isZero();
  }

  @Test
  void aStreamThatFallsAQueueBehindIsDroppedNotBuffered() {
    StockFeed feed = new StockFeed();
    StockFeed.Subscription slow = feed.subscribe("a");
    List<SkuRow> rows = new ArrayList<>();
    for (int i = 0; i <= StockFeed.QUEUE; i++) {
      feed.round(round(i, row("a", i)));
    }
    assertThatThrownBy(() -> slow.next(Duration.ofSeconds(1))).isInstanceOf(StockFeed.Ended.class)
        .hasMessageContaining("behind");
    assertThat(feed.skus()).as("dropped from the feed").isZero();
    assertThat(rows).isEmpty();
  }

  @Test
  void closingEndsEveryStream() {
    StockFeed feed = new StockFeed();
    StockFeed.Subscription s = feed.subscribe("a");
    feed.closeAll();
    assertThatThrownBy(() -> s.next(Duration.ofSeconds(5))).isInstanceOf(StockFeed.Ended.class);
  }
}
