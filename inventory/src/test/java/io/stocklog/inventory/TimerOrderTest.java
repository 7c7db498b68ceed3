package io.stocklog.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written {@link Timer#compareTo} is {@link Timer#ORDER}: time, then SKU, kind and ID. */
class TimerOrderTest {

  @Test
  void compareToAgreesWithTheDocumentedOrder() {
    Random random = new Random(3);
    Timer.Kind[] kinds = Timer.Kind.values();
    for (int i = 0; i < 20_000; i++) {
      Timer a = new Timer(random.nextInt(3), kinds[random.nextInt(3)], "s" + random.nextInt(3), "o" + random.nextInt(3));
      Timer b = new Timer(random.nextInt(3), kinds[random.nextInt(3)], "s" + random.nextInt(3), "o" + random.nextInt(3));
      assertThat(Integer.signum(a.compareTo(b))).as("%s vs %s", a, b).isEqualTo(Integer.signum(Timer.ORDER.compare(a, b)));
      assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
    }
  }
}
