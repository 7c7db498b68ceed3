package io.stocklog.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token store: what STOCKLOG_API_TOKENS may say, and how a presented token is looked up. */
class ApiTokensTest {

  private static final String A = "aaaaaaaaaaaaaaaa-first-token";
  private static final String B = "bbbbbbbbbbbbbbbb_second.token";
  private static final String C = "cccccccccccccccc~third~token";

  @Test
  void eachTokenHasTheScopesItsEntryNames() {
    ApiTokens tokens = ApiTokens.parse(A + "=orders, " + B + "=stock+orders ,," + C + "=operator,");

    assertThat(tokens.size()).isEqualTo(3);
    assertThat(tokens.scopesOf(A)).contains(Set.of(Scope.ORDERS));
    assertThat(tokens.scopesOf(B)).contains(Set.of(Scope.ORDERS, Scope.STOCK));
    assertThat(tokens.scopesOf(C)).contains(Set.of(Scope.OPERATOR));
  }

  @Test
  void anythingButExactlyAKnownTokenIsUnknown() {
    ApiTokens tokens = ApiTokens.parse(A + "=orders," + B + "=stock");

    for (String near : List.of(A.substring(0, A.length() - 1), A + "a", A.toUpperCase(), " " + A,
        A.substring(0, A.length() - 1) + "X", B + A, "", "x")) {
      assertThat(tokens.scopesOf(near)).as("'%s'", near).isEmpty();
    }
    assertThat(tokens.scopesOf(null)).isEmpty();
    assertThat(ApiTokens.none().scopesOf(A)).isEmpty();
  }

  @Test
  void aLookupComparesDigestsInConstantTimeWithEveryTokenWhereverTheMatchIs() {
    List<byte[]> compared = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    ApiTokens tokens = ApiTokens.parse(A + "=orders," + B + "=stock," + C + "=operator").comparingWith((x, y) -> {
      calls.incrementAndGet();
      compared.add(x);
      // The comparison the store uses; the wrapper only counts.
      return MessageDigest.isEqual(x, y);
    });

    for (String presented : List.of(A, B, C, "not-a-token-at-all-0000")) {
      calls.set(0);
      compared.clear();
      tokens.scopesOf(presented);

      assertThat(calls.get()).as("comparisons for one lookup").isEqualTo(3);
      // What is compared is the presented token's SHA-256 digest, 32 bytes whatever its length: never the token.
      assertThat(compared).allSatisfy(d -> assertThat(d).isEqualTo(ApiTokens.sha256(presented)).hasSize(32));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tooShort-123=orders",
      "has space in it 0123456789=orders",
      "has/slash0123456789abcdef=orders",
      "has+plus0123456789abcdef=orders",
      "noScopeSeparator0123456789abcdef",
      "emptyScope0123456789abcdef=",
      "emptyScope0123456789abcdef=orders+",
      "unknownScope0123456789abcdef=admin",
      "unknownScope0123456789abcdef=Orders",
      "padded0123456789abcdef==orders"})
  void aBadEntryFailsNamingTheVariableAndItsPlaceButNeverItsToken(String entry) {
    String token = entry.contains("=") ? entry.substring(0, entry.indexOf('=')) : entry;

    assertThatThrownBy(() -> ApiTokens.parse(A + "=orders," + entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STOCKLOG_API_TOKENS")
        .hasMessageContaining("entry 2")
        .hasMessageNotContaining(token)
        .hasMessageNotContaining(A);
  }

  @Test
  void anUnknownScopeIsNamedWhenItLooksLikeOne() {
    assertThatThrownBy(() -> ApiTokens.parse(A + "=admin"))
        .hasMessageContaining("unknown scope 'admin'").hasMessageContaining("orders, stock and operator");
  }

  @Test
  void aTokenGivenTwiceIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> ApiTokens.parse(A + "=orders," + B + "=stock," + A + "=operator"))
        .hasMessageContaining("STOCKLOG_API_TOKENS")
        .hasMessageContaining("entries 1 and 3 have the same token")
        .hasMessageNotContaining(A);
  }

  @Test
  void theLongestTokenAllowedIs256Characters() {
    String longest = "x".repeat(256);

    assertThat(ApiTokens.parse(longest + "=stock").scopesOf(longest)).contains(Set.of(Scope.STOCK));
    assertThatThrownBy(() -> ApiTokens.parse(longest + "x=stock")).hasMessageContaining("16 to 256");
  }

  @Test
  void blankIsNoTokenAtAll() {
    assertThat(ApiTokens.parse("").isEmpty()).isTrue();
    assertThat(ApiTokens.parse(" , ").isEmpty()).isTrue();
    assertThat(ApiTokens.parse(null).isEmpty()).isTrue();
  }

  @Test
  void toStringCountsTheTokensAndShowsNoneOfThem() {
    String shown = ApiTokens.parse(A + "=orders," + B + "=stock+orders").toString();

    assertThat(shown).isEqualTo("ApiTokens[2 tokens {ORDERS=2, STOCK=1}]").doesNotContain(A).doesNotContain(B);
  }
}
