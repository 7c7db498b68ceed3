package io.stocklog.command;

import io.stocklog.http.Problem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may send a command: the bearer token of RFC 6750 in {@code Authorization}, checked against the
 * {@link ApiTokens} as the {@link AuthMode} says. No Javalin in here; {@link CommandApp} asks it before it
 * reads a byte of the body, so a refusal never depends on the body.
 *
 * <ul>
 *   <li>no token, a malformed header, or a token that is not known: {@code 401} with
 *       {@code WWW-Authenticate: Bearer realm="stocklog"} ({@code error="invalid_token"} for a wrong token);
 *   <li>a known token without the route's scope: {@code 403} naming the scope needed;
 *   <li>{@link Scope#OPERATOR} may do everything.
 * </ul>
 */
final class BearerAuth {

  static final String REALM = "stocklog";
  static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?]?");

  private final AuthMode mode;
  private final ApiTokens tokens;

  BearerAuth(AuthMode mode, ApiTokens tokens) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /**
   * Empty when the request may go on; else the {@code 401} or {@code 403} to answer.
   *
   * @param authorization the request's {@code Authorization} header values (none, one, or several)
   * @param remoteAddress the caller's IP address as the connection gives it
   * @param needed the scope the route needs ({@link Scope#OPERATOR} has them all)
   * @param route the route, as {@code POST /skus/{sku}/receipts}, to name in the answer
   */
  Optional<Problem> refusal(List<String> authorization, String remoteAddress, Scope needed, String route) {
    if (mode == AuthMode.DISABLED) {
      return Optional.empty();
    }
    if (authorization.isEmpty()) {
      if (mode == AuthMode.LOCAL && isLoopback(remoteAddress)) {
        return Optional.empty();
      }
      return Optional.of(unauthorized(CHALLENGE, route + " needs a bearer token with scope " + scopeNeeded(needed)
          + ": send Authorization: Bearer <token>"));
    }
    if (authorization.size() > 1) {
      return Optional.of(unauthorized(CHALLENGE, "send one Authorization header, not " + authorization.size()));
    }
    String header = authorization.getFirst().strip();
    int space = header.indexOf(' ');
    String token = space < 0 ? "" : header.substring(space + 1).strip();
    if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer") || token.isEmpty()
        || token.chars().anyMatch(Character::isWhitespace)) {
      return Optional.of(unauthorized(CHALLENGE,
          "the Authorization header must be 'Bearer <token>'; " + route + " takes no other scheme"));
    }
    Optional<Set<Scope>> scopes = tokens.scopesOf(token);
    if (scopes.isEmpty()) {
      return Optional.of(unauthorized(CHALLENGE + ", error=\"invalid_token\"",
          "the bearer token is not valid (unknown, or revoked)"));
    }
    Set<Scope> has = scopes.get();
    if (has.contains(Scope.OPERATOR) || has.contains(needed)) {
      return Optional.empty();
    }
    return Optional.of(new Problem(403, route + " needs a token with scope " + scopeNeeded(needed)
        + "; this token has scope " + has.stream().map(Scope::configName).sorted().collect(Collectors.joining("+")),
        Map.of("WWW-Authenticate", CHALLENGE + ", error=\"insufficient_scope\", scope=\"" + needed.configName() + "\"")));
  }

  private static String scopeNeeded(Scope needed) {
    return needed == Scope.OPERATOR ? "operator" : needed.configName() + " (or operator)";
  }

  private static Problem unauthorized(String challenge, String detail) {
    return new Problem(401, detail, Map.of("WWW-Authenticate", challenge));
  }

  /**
   * Whether the address is a loopback one (127.0.0.0/8, ::1, or IPv4-mapped 127.x). Only an IP literal is
   * looked at, so this never asks DNS; anything else is not loopback.
   */
  static boolean isLoopback(String address) {
    if (address == null) {
      return false;
    }
    if (IPV4.matcher(address).matches()) {
      return address.startsWith("127.");
    }
    if (!IPV6.matcher(address).matches()) {
      return false;
    }
    try {
      // With a ':' in it, this is parsed as an IPv6 literal and never looked up.
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** One line for the start-up log: the mode and how many tokens of each scope, never a token. */
  String describe() {
    String counts = tokens.countByScope().entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey().configName())
        .collect(Collectors.joining(", "));
    String known = tokens.size() + (tokens.size() == 1 ? " token" : " tokens") + (counts.isEmpty() ? "" : " (" + counts + ")");
    return switch (mode) {
      case REQUIRED -> "required: every command needs a bearer token; " + known;
      case LOCAL -> "local: commands from this machine without a token are let in, any other caller needs one; " + known;
      case DISABLED -> "disabled: every caller may send every command, without a token";
    };
  }

  AuthMode mode() {
    return mode;
  }

  @Override
  public String toString() {
    return "BearerAuth[" + mode.name().toLowerCase(Locale.ROOT) + ", " + tokens + "]";
  }
}
