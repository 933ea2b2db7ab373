package io.newspush.auth;

import io.newspush.config.Config;
import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Who may subscribe to what. Off by default (public news). When on, a pattern is allowed if a
 * public pattern covers it, or the subscriber's token claims a pattern that covers it; "covers"
 * means every topic the requested pattern can match is matched by the claim.
 */
public final class SubscriberAuth {
  private final boolean required;
  private final List<Pattern> publicTopics;
  private final Optional<TokenVerifier> verifier;

  public SubscriberAuth(Config.Auth config, Optional<TokenVerifier> verifier) {
    this.required = config.subscribers();
    this.publicTopics = config.publicTopics().stream().map(Pattern::parse).toList();
    this.verifier = verifier;
  }

  public boolean required() {
    return required;
  }

  /** No token means an anonymous subscriber; a token that is present must be valid. */
  public Future<Optional<Grant>> authenticate(String token) {
    if (!required || token == null || token.isBlank()) {
      return Future.succeededFuture(Optional.empty());
    }
    return verifier.orElseThrow().verify(token).map(Optional::of);
  }

  /** Throws {@link AuthException} for the first pattern the subscriber may not use. */
  public void authorize(Optional<Grant> grant, List<Pattern> requested) {
    if (!required) {
      return;
    }
    for (Pattern pattern : requested) {
      if (Grant.covers(publicTopics, pattern)) {
        continue;
      }
      if (grant.isEmpty()) {
        throw AuthException.unauthorized("subscribing to " + pattern + " needs a token (access_token or Authorization: Bearer)");
      }
      if (!Grant.covers(grant.get().topics(), pattern)) {
        throw AuthException.forbidden("the token does not allow subscribing to " + pattern);
      }
    }
  }
}
