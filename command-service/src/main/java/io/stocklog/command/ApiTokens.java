package io.stocklog.command;

import io.stocklog.config.Env;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The bearer tokens of the command API and their scopes, from {@code STOCKLOG_API_TOKENS}: a comma-separated
 * list of {@code token=scope+scope} entries, for example {@code k7f...=orders,w2x...=stock,op9...=operator}.
 *
 * <p>Only each token's SHA-256 digest is kept. A presented token is hashed and its digest compared with every
 * known digest by {@link MessageDigest#isEqual} (constant time), all of them each time, with no early exit on a
 * match: how long a lookup takes says nothing about which token, or how much of one, a caller guessed. Nothing
 * here ever prints a token, in a message or in {@link #toString()}.
 */
public final class ApiTokens {

  public static final String VARIABLE = "STOCKLOG_API_TOKENS";
  /** What a token may be made of: RFC 6750's token characters, less {@code + / =} (the separators here). */
  public static final String CHARSET = "[A-Za-z0-9._~-]";
  public static final int MIN_LENGTH = 16;
  public static final int MAX_LENGTH = 256;
  private static final Pattern TOKEN = Pattern.compile(CHARSET + "{" + MIN_LENGTH + "," + MAX_LENGTH + "}");
  private static final Pattern SHOWABLE_SCOPE = Pattern.compile("[a-z]{1,20}");
  private static final BiPredicate<byte[], byte[]> CONSTANT_TIME = MessageDigest::isEqual;

  /** One token's digest and scopes, and its place in the variable (for messages). */
  private record Entry(byte[] digest, Set<Scope> scopes, int place) {}

  private final List<Entry> entries;
  private final BiPredicate<byte[], byte[]> equal;

  private ApiTokens(List<Entry> entries, BiPredicate<byte[], byte[]> equal) {
    this.entries = List.copyOf(entries);
    this.equal = equal;
  }

  /** No tokens: in {@link AuthMode#REQUIRED} mode every command is refused. */
  public static ApiTokens none() {
    return new ApiTokens(List.of(), CONSTANT_TIME);
  }

  /** {@code STOCKLOG_API_TOKENS}; unset or blank is {@link #none()}. */
  public static ApiTokens fromEnv(Map<String, String> env) {
    return parse(Env.text(env, VARIABLE, ""));
  }

  /**
   * Parses a {@code STOCKLOG_API_TOKENS} value. Blank entries are skipped.
   *
   * @throws IllegalArgumentException naming the variable and the entry at fault by its place, never its token
   */
  public static ApiTokens parse(String value) {
    List<Entry> entries = new ArrayList<>();
    String[] parts = value == null ? new String[0] : value.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (part.isEmpty()) {
        continue;
      }
      int place = i + 1;
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw invalid(place, "has no '=': each entry is token=scope, or token=scope+scope");
      }
      String token = part.substring(0, eq).strip();
      if (!TOKEN.matcher(token).matches()) {
        throw invalid(place, "its token must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters of " + CHARSET);
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String name : part.substring(eq + 1).split("\\+", -1)) {
        String scope = name.strip();
        scopes.add(Scope.named(scope).orElseThrow(() -> invalid(place, (scope.isEmpty()
            ? "names an empty scope"
            : "names an unknown scope" + (SHOWABLE_SCOPE.matcher(scope).matches() ? " '" + scope + "'" : ""))
            + "; the scopes are orders, stock and operator")));
      }
      byte[] digest = sha256(token);
      for (Entry earlier : entries) {
        if (MessageDigest.isEqual(earlier.digest(), digest)) {
          throw new IllegalArgumentException(VARIABLE + ": entries " + earlier.place() + " and " + place
              + " have the same token; give each caller a token of its own (the token itself is not shown)");
        }
      }
      entries.add(new Entry(digest, Collections.unmodifiableSet(scopes), place));
    }
    return new ApiTokens(entries, CONSTANT_TIME);
  }

  private static IllegalArgumentException invalid(int place, String what) {
    return new IllegalArgumentException(VARIABLE + ": entry " + place + " " + what
        + " (the token itself is not shown)");
  }

  /**
   * The scopes of the presented token, or empty if it is not one of these. Compares its digest with every
   * known digest, in constant time each, without stopping at a match.
   */
  public Optional<Set<Scope>> scopesOf(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] digest = sha256(presented);
    Set<Scope> found = null;
    for (Entry entry : entries) {
      boolean match = equal.test(digest, entry.digest());
      if (match) {
        found = entry.scopes();
      }
    }
    return Optional.ofNullable(found);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** How many tokens have each scope, for the start-up log line. */
  public Map<Scope, Integer> countByScope() {
    Map<Scope, Integer> counts = new EnumMap<>(Scope.class);
    for (Entry entry : entries) {
      entry.scopes().forEach(s -> counts.merge(s, 1, Integer::sum));
    }
    return counts;
  }

  /** The same tokens, compared by {@code comparison}: for a test to watch the comparisons made. */
  ApiTokens comparingWith(BiPredicate<byte[], byte[]> comparison) {
    return new ApiTokens(entries, Objects.requireNonNull(comparison, "comparison"));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Equal when they hold the same digests with the same scopes, in the same order. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ApiTokens other) || other.entries.size() != entries.size()) {
      return false;
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry a = entries.get(i);
      Entry b = other.entries.get(i);
      if (!MessageDigest.isEqual(a.digest(), b.digest()) || !a.scopes().equals(b.scopes())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (Entry entry : entries) {
      hash = 31 * hash + Arrays.hashCode(entry.digest()) + entry.scopes().hashCode();
    }
    return hash;
  }

  /** How many tokens, with their scopes: never a token nor its digest. */
  @Override
  public String toString() {
    return "ApiTokens[" + entries.size() + " tokens " + countByScope() + "]";
  }
}
