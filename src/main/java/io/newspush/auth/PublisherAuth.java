package io.newspush.auth;

import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Who may publish: holders of a static publisher token (any topic), or of a JWT whose
 * {@code publish} claim covers the article's topic.
 */
public final class PublisherAuth {
  private static final Grant ANY_TOPIC = new Grant(List.of(), List.of(Pattern.parse("**")), Optional.empty());

  private final List<byte[]> tokens;
  private final Optional<TokenVerifier> verifier;

  public PublisherAuth(List<String> tokens, Optional<TokenVerifier> verifier) {
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    this.verifier = verifier;
  }

  /** Checks an {@code Authorization} header value; fails with a 401 {@link AuthException}. */
  public Future<Grant> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(AuthException.unauthorized("publishing needs Authorization: Bearer PUBLISHER-TOKEN"));
    }
    String token = authorization.substring(7).strip();
    if (isStaticToken(token)) {
      return Future.succeededFuture(ANY_TOPIC);
    }
    if (verifier.isPresent() && token.chars().filter(c -> c == '.').count() == 2) {
      return verifier.get().verify(token);
    }
    return Future.failedFuture(AuthException.unauthorized("the publisher token is not valid"));
  }

  /** Throws a 403 {@link AuthException} unless the grant lets its holder publish to the topic. */
  public static void authorize(Grant grant, String topic) {
    if (!Grant.covers(grant.publish(), Pattern.parse(topic))) {
      throw AuthException.forbidden("this token may not publish to " + topic);
    }
  }

  /** Compares against every token, in constant time, so timing reveals nothing. */
  private boolean isStaticToken(String token) {
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] known : tokens) {
      match |= MessageDigest.isEqual(known, presented);
    }
    return match;
  }
}
