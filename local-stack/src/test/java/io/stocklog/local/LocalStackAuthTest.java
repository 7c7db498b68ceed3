package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.command.ApiTokens;
import io.stocklog.command.AuthMode;
import io.stocklog.command.CommandConfig;
import io.stocklog.command.Scope;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the local stack sets up the command service's tokens, and what its banner says of them. */
class LocalStackAuthTest {

  private static final String GIVEN = "given-orders-token-0123456789=orders";

  @Test
  void withoutTokensItMakesOneOperatorTokenAndRunsInLocalMode() {
    Map<String, String> env = new HashMap<>();

    Optional<String> token = LocalStack.secure(env, Map.of());

    assertThat(token).get().asString().matches("[A-Za-z0-9_-]{43}");
    CommandConfig config = CommandConfig.fromEnv(env);
    assertThat(config.auth()).isEqualTo(AuthMode.LOCAL);
    assertThat(config.apiTokens().scopesOf(token.orElseThrow())).contains(Set.of(Scope.OPERATOR));
    assertThat(LocalStack.secure(new HashMap<>(), Map.of())).as("a new token each run").isNotEqualTo(token);
  }

  @Test
  void givenTokensAreUsedAsTheyAreAndTheModeCanBeChanged() {
    Map<String, String> env = new HashMap<>();

    Optional<String> token = LocalStack.secure(env, Map.of(ApiTokens.VARIABLE, GIVEN, AuthMode.VARIABLE, "required"));

    assertThat(token).isEmpty();
    CommandConfig config = CommandConfig.fromEnv(env);
    assertThat(config.auth()).isEqualTo(AuthMode.REQUIRED);
    assertThat(config.apiTokens()).isEqualTo(ApiTokens.parse(GIVEN));
  }

  @Test
  void theBannerShowsAGeneratedTokenOnceAndNeverAGivenOne() {
    String generated = LocalStack.authHelp(AuthMode.LOCAL, "generated-token-0123456789");
    String given = LocalStack.authHelp(AuthMode.LOCAL, null) + LocalStack.curlAuth(AuthMode.LOCAL, null);

    assertThat(generated).containsOnlyOnce("generated-token-0123456789")
        .contains("Requests from this machine without a token are let in")
        .contains("STOCKLOG_AUTH=required to require it everywhere");
    assertThat(LocalStack.curlAuth(AuthMode.LOCAL, "generated-token-0123456789"))
        .isEqualTo("-H 'Authorization: Bearer generated-token-0123456789' ");
    assertThat(given).contains("STOCKLOG_API_TOKENS (not shown)").contains("$STOCKLOG_TOKEN")
        .doesNotContain("given-orders-token");
    assertThat(LocalStack.authHelp(AuthMode.REQUIRED, null)).doesNotContain("let in");
    assertThat(LocalStack.authHelp(AuthMode.DISABLED, null)).contains("need no token");
    assertThat(LocalStack.curlAuth(AuthMode.DISABLED, null)).isEmpty();
  }
}
