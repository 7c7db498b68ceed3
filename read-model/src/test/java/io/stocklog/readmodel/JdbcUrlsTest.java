package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

  @Test
  void masksAPasswordParameterWhereverItIs() {
    assertThat(JdbcUrls.redacted("jdbc:postgresql://db:5432/stocklog?password=s3cret"))
        .isEqualTo("jdbc:postgresql://db:5432/stocklog?password=***");
    assertThat(JdbcUrls.redacted("jdbc:postgresql://db/stocklog?user=u&PASSWORD=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/stocklog?user=u&PASSWORD=***&ssl=true");
  }

  @Test
  void leavesAUrlWithoutAPasswordAsItIs() {
    assertThat(JdbcUrls.redacted("jdbc:postgresql://db:5432/stocklog?sslpassword_hint=x&user=u"))
        .isEqualTo("jdbc:postgresql://db:5432/stocklog?sslpassword_hint=x&user=u");
    assertThat(JdbcUrls.redacted(null)).isNull();
  }
}
