package io.newspush.auth;

import io.newspush.config.Config;
import io.newspush.config.ConfigException;
import io.newspush.topic.InvalidTopicException;
import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies JWTs (HS256 with a shared secret, RS256/ES256 with configured public keys or a JWKS
 * file) and turns their {@code topics} and {@code publish} claims into a {@link Grant}. Tokens
 * with {@code alg: none} or an algorithm no configured key supports are refused.
 */
public final class TokenVerifier {
  private final JWTAuth jwt;

  private TokenVerifier(JWTAuth jwt) {
    this.jwt = jwt;
  }

  /** Blocking (reads key files): call at start-up. Empty when no key is configured. */
  public static Optional<TokenVerifier> create(Vertx vertx, Config.Auth config) {
    if (!config.jwtConfigured()) {
      return Optional.empty();
    }
    JWTOptions checks = new JWTOptions().setLeeway(config.clockSkewSeconds());
    config.issuer().ifPresent(checks::setIssuer);
    config.audience().ifPresent(audience -> checks.setAudience(List.of(audience)));
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    config.jwtSecret().ifPresent(secret ->
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    for (Path file : config.jwtPublicKeys()) {
      String pem = read(file, "auth.jwt_public_keys");
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(pem, file)).setBuffer(pem));
    }
    config.jwksFile().ifPresent(file -> {
      JsonArray keys = new JsonObject(read(file, "auth.jwks_file")).getJsonArray("keys");
      if (keys == null) {
        throw new ConfigException("setting auth.jwks_file: " + file + " has no keys array");
      }
      keys.forEach(key -> options.addJwk((JsonObject) key));
    });
    try {
      return Optional.of(new TokenVerifier(JWTAuth.create(vertx, options)));
    } catch (RuntimeException e) {
      throw new ConfigException("setting auth.*: the JWT keys cannot be used: " + e.getMessage());
    }
  }

  /** Fails with {@link AuthException} (401) for a malformed, badly signed, expired or not-yet-valid token. */
  public Future<Grant> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(AuthException.unauthorized("a token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token.strip()))
        .recover(failure -> Future.failedFuture(AuthException.unauthorized("the token is not valid: " + failure.getMessage())))
        .compose(user -> {
          // The provider moves exp, iat and nbf out of the principal; the decoded token keeps all claims.
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          try {
            Optional<Instant> expires = claims.getValue("exp") instanceof Number exp
                ? Optional.of(Instant.ofEpochSecond(exp.longValue())) : Optional.empty();
            return Future.succeededFuture(new Grant(patterns(claims, "topics"), patterns(claims, "publish"), expires));
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(AuthException.unauthorized("the token's claims are not valid: " + e.getMessage()));
          }
        });
  }

  /** A claim holding patterns, as a JSON array or a space-separated string. */
  private static List<Pattern> patterns(JsonObject claims, String claim) {
    Object value = claims.getValue(claim);
    List<String> texts = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(item -> texts.add(String.valueOf(item)));
    } else if (value instanceof String text && !text.isBlank()) {
      texts.addAll(List.of(text.trim().split("\\s+")));
    } else if (value != null) {
      throw new IllegalArgumentException(claim + " must be an array of patterns");
    }
    List<Pattern> patterns = new ArrayList<>();
    for (String text : texts) {
      try {
        patterns.add(Pattern.parse(text));
      } catch (InvalidTopicException e) {
        throw new IllegalArgumentException(claim + ": " + e.getMessage());
      }
    }
    return patterns;
  }

  private static String algorithmOf(String pem, Path file) {
    if (pem.contains("BEGIN RSA PUBLIC KEY") || pem.contains("BEGIN PUBLIC KEY") && rsa(pem)) {
      return "RS256";
    }
    if (pem.contains("BEGIN PUBLIC KEY")) {
      return "ES256";
    }
    throw new ConfigException("setting auth.jwt_public_keys: " + file + " holds no PEM public key");
  }

  /** Decodes the SubjectPublicKeyInfo just far enough to tell RSA from EC. */
  private static boolean rsa(String pem) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      byte[] der = java.util.Base64.getDecoder().decode(base64);
      java.security.KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.X509EncodedKeySpec(der));
      return true;
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file, String setting) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("setting " + setting + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
