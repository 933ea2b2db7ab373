package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.newspush.testing.Await;
import io.newspush.testing.Jwts;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A token that expires on an open connection ends it, unless the client sends a fresh one in time. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExpiryTest {
  private TestNode node;
  private Jwts jwts;

  @BeforeAll
  void start(Vertx vertx) {
    jwts = new Jwts(vertx);
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_AUTH_SUBSCRIBERS", "true",
        "NEWSPUSH_AUTH_JWT_SECRET", Jwts.SECRET,
        "NEWSPUSH_AUTH_CLOCK_SKEW_SECONDS", "0"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private String tokenValidFor(int seconds) {
    return jwts.hs256(Jwts.claims(List.of("economy/**")).put("exp", Instant.now().getEpochSecond() + seconds));
  }

  @Test
  void expiredTokenClosesWebSocketWith1008(Vertx vertx) {
    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=economy/**&access_token=" + tokenValidFor(2))) {
      ws.awaitMessage("subscribed");
      Await.until(ws::closed, Duration.ofSeconds(10), () -> "the WebSocket was not closed when its token expired");
      assertEquals((short) 1008, ws.closeStatus());
      assertEquals("token expired", ws.closeReason());
      assertEquals("token_expired", ws.awaitMessage("error").getString("code"));
    }
  }

  @Test
  void expiredTokenEndsSseStream(Vertx vertx) {
    try (SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=economy/**&access_token=" + tokenValidFor(2))) {
      assertEquals(200, sse.status());
      Await.until(sse::ended, Duration.ofSeconds(10), () -> "the SSE stream did not end when its token expired");
      SseClient.Event last = sse.events().get(sse.events().size() - 1);
      assertEquals("closing", last.event(), "the last event says why");
      assertEquals("token_expired", new JsonObject(last.data()).getString("error"));
    }
  }

  @Test
  void freshTokenKeepsWebSocketOpen(Vertx vertx) throws InterruptedException {
    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=economy/**&access_token=" + tokenValidFor(2))) {
      ws.awaitMessage("subscribed");
      ws.send(new JsonObject().put("op", "auth").put("token", tokenValidFor(3600)));
      Await.until(() -> ws.ofType("authenticated").size() == 2, () -> "the fresh token was not acknowledged: " + ws.messages());
      Thread.sleep(3_500);
      assertFalse(ws.closed(), "the connection outlived its first token");
      ws.send(new JsonObject().put("op", "ping"));
      ws.awaitMessage("pong");
    }
  }

  @Test
  void badFreshTokenIsRefusedAndOldOneStillExpires(Vertx vertx) {
    try (WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=economy/**&access_token=" + tokenValidFor(2))) {
      ws.awaitMessage("subscribed");
      ws.send(new JsonObject().put("op", "auth").put("token", Jwts.unsigned(Jwts.claims(List.of("**")))));
      assertEquals("unauthorized", ws.awaitMessage("error").getString("code"));
      Await.until(ws::closed, Duration.ofSeconds(10), () -> "the old token still expires");
    }
  }
}
