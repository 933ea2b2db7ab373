package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.Jwts;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriber auth on: every case once over SSE (HTTP status and JSON error, no stream) and once
 * over WebSocket (an error message, the socket stays usable).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriberAuthorisationTest {
  private TestNode node;
  private Jwts jwts;

  @BeforeAll
  void start(Vertx vertx, @TempDir Path keys) throws Exception {
    jwts = new Jwts(vertx);
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_AUTH_SUBSCRIBERS", "true",
        "NEWSPUSH_AUTH_JWT_SECRET", Jwts.SECRET,
        "NEWSPUSH_AUTH_JWT_PUBLIC_KEYS", jwts.writeRsaPublicKey(keys) + "," + jwts.writeEcPublicKey(keys),
        "NEWSPUSH_AUTH_JWT_ISSUER", Jwts.ISSUER,
        "NEWSPUSH_AUTH_JWT_AUDIENCE", Jwts.AUDIENCE,
        "NEWSPUSH_AUTH_CLOCK_SKEW_SECONDS", "5",
        "NEWSPUSH_AUTH_PUBLIC_TOPICS", "politics/**"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  static Stream<Arguments> cases() {
    long now = Instant.now().getEpochSecond();
    return Stream.of(
        row("no token", j -> null, "economy/trade", 401),
        row("malformed token", j -> "not.a-jwt", "economy/trade", 401),
        row("garbage", j -> "x", "economy/trade", 401),
        row("wrong signature", j -> j.wrongSignature(Jwts.claims(List.of("**"))), "economy/trade", 401),
        row("alg none", j -> Jwts.unsigned(Jwts.claims(List.of("**"))), "economy/trade", 401),
        row("expired", j -> j.hs256(Jwts.claims(List.of("**")).put("exp", now - 60)), "economy/trade", 401),
        row("not yet valid", j -> j.hs256(Jwts.claims(List.of("**")).put("nbf", now + 600)), "economy/trade", 401),
        row("wrong audience", j -> j.hs256(Jwts.claims(List.of("**")).put("aud", "another-service")), "economy/trade", 401),
        row("wrong issuer", j -> j.hs256(Jwts.claims(List.of("**")).put("iss", "https://evil.example.com")), "economy/trade", 401),
        row("claim economy/** allows economy/trade", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "economy/trade", 200),
        row("claim economy/** allows economy/**", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "economy/**", 200),
        row("claim economy/** allows economy/*/asia", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "economy/*/asia", 200),
        row("claim economy/** refuses **", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "**", 403),
        row("claim economy/** refuses health/vaccination", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "health/vaccination", 403),
        row("claim economy/* refuses economy/**", j -> j.hs256(Jwts.claims(List.of("economy/*"))), "economy/**", 403),
        row("claim economy/* allows economy/trade", j -> j.hs256(Jwts.claims(List.of("economy/*"))), "economy/trade", 200),
        row("claim ** allows **", j -> j.hs256(Jwts.claims(List.of("**"))), "**", 200),
        row("claim */trade allows economy/trade", j -> j.hs256(Jwts.claims(List.of("*/trade"))), "economy/trade", 200),
        row("public topic without token", j -> null, "politics/party", 200),
        row("public pattern without token", j -> null, "politics/**", 200),
        row("public and private without token", j -> null, "politics/party,economy/trade", 401),
        row("public plus claimed", j -> j.hs256(Jwts.claims(List.of("economy/**"))), "politics/party,economy/trade", 200),
        row("RS256 token", j -> j.rs256(Jwts.claims(List.of("economy/**"))), "economy/trade", 200),
        row("ES256 token", j -> j.es256(Jwts.claims(List.of("economy/**"))), "economy/trade", 200),
        row("RS256 token refused outside claim", j -> j.rs256(Jwts.claims(List.of("economy/**"))), "health/**", 403));
  }

  private static Arguments row(String name, Function<Jwts, String> token, String topics, int status) {
    return Arguments.of(name, token, topics, status);
  }

  @ParameterizedTest(name = "SSE: {0} -> {3}")
  @MethodSource("cases")
  void sse(String name, Function<Jwts, String> token, String topics, int status, Vertx vertx) {
    String query = "/v1/sse?topics=" + encode(topics) + (token.apply(jwts) == null ? "" : "&access_token=" + encode(token.apply(jwts)));
    try (SseClient sse = SseClient.connect(vertx, node.port(), query)) {
      assertEquals(status, sse.status(), name);
      if (status != 200) {
        JsonObject error = new JsonObject(sse.errorBody());
        assertEquals(status == 401 ? "unauthorized" : "forbidden", error.getString("error"), name + ": " + error);
        assertEquals("application/json; charset=utf-8", sse.headers().get("Content-Type"), name + ": no stream started");
      } else {
        assertEquals("text/event-stream; charset=utf-8", sse.headers().get("Content-Type"));
      }
    }
  }

  @ParameterizedTest(name = "WebSocket: {0} -> {3}")
  @MethodSource("cases")
  void webSocket(String name, Function<Jwts, String> token, String topics, int status, Vertx vertx) {
    String query = "/v1/ws?topics=" + encode(topics) + (token.apply(jwts) == null ? "" : "&access_token=" + encode(token.apply(jwts)));
    try (WsClient ws = WsClient.connect(vertx, node.port(), query)) {
      if (status == 200) {
        ws.awaitMessage("subscribed");
        assertEquals(List.of(), ws.ofType("error"), name);
      } else {
        JsonObject error = ws.awaitMessage("error");
        assertEquals(status == 401 ? "unauthorized" : "forbidden", error.getString("code"), name + ": " + error);
        assertEquals(List.of(), ws.ofType("subscribed"), name + ": nothing was subscribed");
        ws.send(new JsonObject().put("op", "ping"));
        ws.awaitMessage("pong");
      }
    }
  }

  @Test
  void tokenInAuthorizationHeaderWorksForSse(Vertx vertx) {
    String token = jwts.hs256(Jwts.claims(List.of("economy/**")));
    try (SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=economy/trade", Map.of("Authorization", "Bearer " + token))) {
      assertEquals(200, sse.status());
    }
  }

  @Test
  void forbiddenSubscribeOpIsRefusedWithoutClosing(Vertx vertx) {
    String token = jwts.hs256(Jwts.claims(List.of("economy/**")));
    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?access_token=" + encode(token))) {
      ws.awaitMessage("authenticated");
      ws.send(new JsonObject().put("op", "subscribe").put("topics", List.of("health/**")));
      assertEquals("forbidden", ws.awaitMessage("error").getString("code"));
      ws.send(new JsonObject().put("op", "subscribe").put("topics", List.of("economy/trade")));
      ws.awaitMessage("subscribed");
      Await.until(() -> !ws.closed(), () -> "the socket stayed open");
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
