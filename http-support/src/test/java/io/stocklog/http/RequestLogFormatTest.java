package io.stocklog.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestLogFormatTest {

  @Test
  void durationsHaveTwoDecimalsAndRoundToTheNearestHundredth() {
    assertThat(RequestLog.twoDecimals(12.3f)).isEqualTo("12.30");
    assertThat(RequestLog.twoDecimals(0.049f)).isEqualTo("0.05");
    assertThat(RequestLog.twoDecimals(0.001f)).isEqualTo("0.00");
    assertThat(RequestLog.twoDecimals(7f)).isEqualTo("7.00");
    assertThat(RequestLog.twoDecimals(1234.567f)).isEqualTo("1234.57");
    Random random = new Random(3);
    for (int i = 0; i < 100_000; i++) {
      float millis = random.nextFloat() * 100_000;
      String text = RequestLog.twoDecimals(millis);
      assertThat(text).matches("[0-9]+\\.[0-9]{2}");
      assertThat(Math.abs(Double.parseDouble(text) - millis)).as(text + " for " + millis).isLessThanOrEqualTo(0.0051);
    }
  }
}
