package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Only listed origins may use the API from a browser; `*` must be configured explicitly. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginTest {
  private static final String ALLOWED = "https://news.example.com";
  private TestNode listed;
  private TestNode unset;

  @BeforeAll
  void start() {
    listed = TestNode.start(TestPostgres.newDatabase(), Map.of("NEWSPUSH_HTTP_CORS_ORIGINS", ALLOWED));
    unset = TestNode.start(TestPostgres.newDatabase());
  }

  @AfterAll
  void stop() {
    listed.close();
    unset.close();
  }

  private static int upgrade(Vertx vertx, int port, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/ws")
        .setAllowOriginHeader(origin != null);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    try {
      Await.result(vertx.createWebSocketClient().connect(options).compose(ws -> ws.close().map(ws)));
      return 101;
    } catch (AssertionError e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  @Test
  void webSocketOriginIsChecked(Vertx vertx) {
    assertEquals(101, upgrade(vertx, listed.port(), ALLOWED), "a listed origin");
    assertEquals(403, upgrade(vertx, listed.port(), "https://evil.example.net"), "an unlisted origin");
    assertEquals(101, upgrade(vertx, listed.port(), null), "no Origin: an app, not a browser page");
    assertEquals(101, upgrade(vertx, listed.port(), "http://127.0.0.1:" + listed.port()), "the same origin");
    assertEquals(403, upgrade(vertx, unset.port(), ALLOWED), "nothing configured: same-origin only");
  }

  @Test
  void corsHeadersOnlyForListedOrigins(Vertx vertx) {
    try (SseClient good = SseClient.connect(vertx, listed.port(), "/v1/sse?topics=**", Map.of("Origin", ALLOWED))) {
      assertEquals(ALLOWED, good.headers().get("Access-Control-Allow-Origin"));
    }
    try (SseClient other = SseClient.connect(vertx, listed.port(), "/v1/sse?topics=**", Map.of("Origin", "https://evil.example.net"))) {
      assertNull(other.headers().get("Access-Control-Allow-Origin"), "no CORS grant for an unlisted origin");
    }
    Http.Reply preflight = new Http(vertx, listed.port()).request(HttpMethod.OPTIONS, "/v1/articles", Map.of(
        "Origin", ALLOWED, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"), null);
    assertEquals(ALLOWED, preflight.headers().get("Access-Control-Allow-Origin"), preflight::toString);
    try (SseClient none = SseClient.connect(vertx, unset.port(), "/v1/sse?topics=**", Map.of("Origin", ALLOWED))) {
      assertNull(none.headers().get("Access-Control-Allow-Origin"), "`*` is never the silent default");
    }
  }
}
