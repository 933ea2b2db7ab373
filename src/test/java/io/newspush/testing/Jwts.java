package io.newspush.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Makes the JWTs a newsroom's login service would issue, good ones and forged ones. */
public final class Jwts {
  public static final String SECRET = "test-secret-that-is-at-least-32-characters-long";
  public static final String ISSUER = "https://login.example.com";
  public static final String AUDIENCE = "newspush";

  private final JWTAuth hs256;
  private final JWTAuth rs256;
  private final JWTAuth es256;
  private final JWTAuth otherSecret;
  private final String rsaPublicPem;
  private final String ecPublicPem;

  public Jwts(Vertx vertx) {
    KeyPair rsa = generate("RSA", null);
    KeyPair ec = generate("EC", new ECGenParameterSpec("secp256r1"));
    this.rsaPublicPem = pem("PUBLIC KEY", rsa.getPublic().getEncoded());
    this.ecPublicPem = pem("PUBLIC KEY", ec.getPublic().getEncoded());
    this.hs256 = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    this.rs256 = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()))));
    this.otherSecret = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("another-secret-that-is-at-least-32-characters")));
    this.es256 = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(pem("PRIVATE KEY", ec.getPrivate().getEncoded()))));
  }

  /** Standard claims valid for an hour, with a {@code topics} claim. */
  public static JsonObject claims(List<String> topics) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", "reader-1").put("iss", ISSUER).put("aud", AUDIENCE)
        .put("iat", now).put("exp", now + 3600).put("topics", new JsonArray(topics));
  }

  public String hs256(JsonObject claims) {
    return hs256.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  public String rs256(JsonObject claims) {
    return rs256.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  public String es256(JsonObject claims) {
    return es256.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
  }

  /** The classic forgery: an unsigned token that claims {@code alg: none}. */
  public static String unsigned(JsonObject claims) {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    return url.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  /** Same header and claims, signature from another secret. */
  public String wrongSignature(JsonObject claims) {
    String good = hs256(claims);
    String other = otherSecret.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
    return good.substring(0, good.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
  }

  public Path writeRsaPublicKey(Path dir) {
    return write(dir.resolve("rsa.pem"), rsaPublicPem);
  }

  public Path writeEcPublicKey(Path dir) {
    return write(dir.resolve("ec.pem"), ecPublicPem);
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (spec == null) {
        generator.initialize(2048);
      } else {
        generator.initialize(spec);
      }
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
