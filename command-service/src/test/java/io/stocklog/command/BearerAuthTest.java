package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.http.Problem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decision for one request, without HTTP: each mode, each kind of header, each scope. */
class BearerAuthTest {

  private static final ApiTokens TOKENS = ApiTokens.parse(TestTokens.ENV);
  private static final String ROUTE = "POST /skus/{sku}/receipts";
  private static final String LOOPBACK = "127.0.0.1";
  private static final String REMOTE = "192.0.2.7";

  private static Optional<Problem> check(AuthMode mode, List<String> authorization, String from, Scope needed) {
    return new BearerAuth(mode, TOKENS).refusal(authorization, from, needed, ROUTE);
  }

  private static List<String> bearer(String token) {
    return List.of("Bearer " + token);
  }

  @Test
  void requiredWithoutATokenIs401WithABearerChallengeFromAnywhere() {
    for (String from : List.of(LOOPBACK, REMOTE, "::1")) {
      Problem p = check(AuthMode.REQUIRED, List.of(), from, Scope.STOCK).orElseThrow();

      assertThat(p.status()).isEqualTo(401);
      assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"stocklog\"");
      assertThat(p.detail()).contains(ROUTE).contains("scope stock").contains("Authorization: Bearer");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", TestTokens.OPERATOR,
      "Bearer two words", "Bearer\t" + TestTokens.OPERATOR + "x"})
  void aMalformedHeaderIs401WithoutAnErrorCode(String header) {
    Problem p = check(AuthMode.REQUIRED, List.of(header), REMOTE, Scope.STOCK).orElseThrow();

    assertThat(p.status()).isEqualTo(401);
    assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"stocklog\"");
    assertThat(p.detail()).contains("Bearer <token>").doesNotContain(TestTokens.OPERATOR);
  }

  @Test
  void twoAuthorizationHeadersAre401() {
    Problem p = check(AuthMode.REQUIRED, List.of("Bearer " + TestTokens.OPERATOR, "Bearer " + TestTokens.STOCK),
        REMOTE, Scope.STOCK).orElseThrow();

    assertThat(p.status()).isEqualTo(401);
    assertThat(p.detail()).contains("one Authorization header");
  }

  @Test
  void anUnknownTokenIs401InvalidTokenAndIsNotEchoed() {
    Problem p = check(AuthMode.REQUIRED, bearer(TestTokens.UNKNOWN), REMOTE, Scope.STOCK).orElseThrow();

    assertThat(p.status()).isEqualTo(401);
    assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"stocklog\", error=\"invalid_token\"");
    assertThat(p.detail()).doesNotContain(TestTokens.UNKNOWN);
  }

  @Test
  void theSchemeIsCaseInsensitiveAndSpacesAroundTheTokenDoNotMatter() {
    assertThat(check(AuthMode.REQUIRED, List.of("bearer " + TestTokens.STOCK), REMOTE, Scope.STOCK)).isEmpty();
    assertThat(check(AuthMode.REQUIRED, List.of("BEARER   " + TestTokens.STOCK + " "), REMOTE, Scope.STOCK)).isEmpty();
  }

  @Test
  void aKnownTokenWithoutTheScopeIs403NamingTheScopeNeeded() {
    Problem p = check(AuthMode.REQUIRED, bearer(TestTokens.ORDERS), REMOTE, Scope.STOCK).orElseThrow();

    assertThat(p.status()).isEqualTo(403);
    assertThat(p.detail()).contains(ROUTE).contains("needs a token with scope stock (or operator)")
        .contains("this token has scope orders");
    assertThat(p.headers()).containsEntry("WWW-Authenticate",
        "Bearer realm=\"stocklog\", error=\"insufficient_scope\", scope=\"stock\"");
  }

  @Test
  void eachScopeAllowsItsOwnRoutesAndOperatorAllowsAllAndAloneMayAdjust() {
    record Case(String token, Scope needed, boolean allowed) {}
    List<Case> cases = List.of(
        new Case(TestTokens.ORDERS, Scope.ORDERS, true),
        new Case(TestTokens.ORDERS, Scope.STOCK, false),
        new Case(TestTokens.ORDERS, Scope.OPERATOR, false),
        new Case(TestTokens.STOCK, Scope.STOCK, true),
        new Case(TestTokens.STOCK, Scope.ORDERS, false),
        new Case(TestTokens.STOCK, Scope.OPERATOR, false),
        new Case(TestTokens.ORDERS_AND_STOCK, Scope.ORDERS, true),
        new Case(TestTokens.ORDERS_AND_STOCK, Scope.STOCK, true),
        new Case(TestTokens.ORDERS_AND_STOCK, Scope.OPERATOR, false),
        new Case(TestTokens.OPERATOR, Scope.ORDERS, true),
        new Case(TestTokens.OPERATOR, Scope.STOCK, true),
        new Case(TestTokens.OPERATOR, Scope.OPERATOR, true));
    for (Case c : cases) {
      Optional<Problem> refusal = check(AuthMode.REQUIRED, bearer(c.token()), REMOTE, c.needed());
      assertThat(refusal.map(Problem::status)).as("%s for %s", c.token(), c.needed())
          .isEqualTo(c.allowed() ? Optional.empty() : Optional.of(403));
    }
  }

  @Test
  void localLetsInOnlyLoopbackCallersWithoutAHeader() {
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
      assertThat(check(AuthMode.LOCAL, List.of(), loopback, Scope.OPERATOR)).as(loopback).isEmpty();
    }
    for (String remote : List.of(REMOTE, "10.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "localhost", "", "999.1.1.1")) {
      assertThat(check(AuthMode.LOCAL, List.of(), remote, Scope.ORDERS).map(Problem::status)).as(remote)
          .contains(401);
    }
    assertThat(check(AuthMode.LOCAL, List.of(), null, Scope.ORDERS).map(Problem::status)).contains(401);
  }

  @Test
  void localStillChecksAnyTokenPresentedEvenFromLoopback() {
    assertThat(check(AuthMode.LOCAL, bearer(TestTokens.UNKNOWN), LOOPBACK, Scope.ORDERS).map(Problem::status))
        .contains(401);
    assertThat(check(AuthMode.LOCAL, List.of("Basic abc"), LOOPBACK, Scope.ORDERS).map(Problem::status))
        .contains(401);
    assertThat(check(AuthMode.LOCAL, bearer(TestTokens.ORDERS), LOOPBACK, Scope.OPERATOR).map(Problem::status))
        .contains(403);
    assertThat(check(AuthMode.LOCAL, bearer(TestTokens.ORDERS), REMOTE, Scope.ORDERS)).isEmpty();
  }

  @Test
  void disabledLetsEveryoneIn() {
    assertThat(check(AuthMode.DISABLED, List.of(), REMOTE, Scope.OPERATOR)).isEmpty();
    assertThat(check(AuthMode.DISABLED, bearer(TestTokens.UNKNOWN), REMOTE, Scope.OPERATOR)).isEmpty();
  }

  @Test
  void theStartUpLineSaysTheModeAndCountsTokensButShowsNone() {
    String required = new BearerAuth(AuthMode.REQUIRED, TOKENS).describe();

    assertThat(required).startsWith("required").contains("4 tokens")
        .contains("2 orders").contains("2 stock").contains("1 operator");
    assertThat(new BearerAuth(AuthMode.LOCAL, ApiTokens.none()).describe()).startsWith("local").contains("0 tokens");
    assertThat(new BearerAuth(AuthMode.DISABLED, TOKENS).describe()).startsWith("disabled");
    for (String token : List.of(TestTokens.OPERATOR, TestTokens.ORDERS, TestTokens.STOCK, TestTokens.ORDERS_AND_STOCK)) {
      assertThat(required).doesNotContain(token);
      assertThat(new BearerAuth(AuthMode.REQUIRED, TOKENS).toString()).doesNotContain(token);
    }
  }
}
