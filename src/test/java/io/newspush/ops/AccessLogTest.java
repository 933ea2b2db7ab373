package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The access log on a real node: one line per HTTP request when it is answered, per SSE stream and
 * per WebSocket when it ends, with tokens in the query redacted and the Authorization header nowhere.
 * Each test tags its requests with a unique {@code probe} parameter to find its own lines.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogTest {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  };
  private Logger accessLogger;
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    accessLogger = (Logger) LoggerFactory.getLogger("newspush.access");
    capture.start();
    accessLogger.addAppender(capture);
    node = TestNode.start(TestPostgres.newDatabase());
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    node.close();
    accessLogger.detachAppender(capture);
  }

  @Test
  void plainRequestIsLoggedOnceWithItsFieldsAndTokensRedacted() {
    String probe = probe();
    Http.Reply reply = http.get("/v1/articles?topics=**&access_token=SECRET-A&Token=SECRET-B;token=SECRET-C&probe=" + probe);

    Map<String, String> line = awaitLine(probe);
    assertEquals("GET", line.get("method"));
    assertEquals("/v1/articles?topics=**&access_token=***&Token=***;token=***&probe=" + probe, line.get("path"));
    assertEquals(Integer.toString(reply.status()), line.get("status"));
    assertEquals("http", line.get("transport"));
    assertEquals(Integer.toString(reply.body().length()), line.get("bytes"), "bytes are the body bytes sent");
    assertEquals("127.0.0.1", line.get("client"));
    assertTrue(Long.parseLong(line.get("duration_ms")) >= 0);
    assertEquals(1, linesFor(probe).size(), "exactly one line per request");
    assertNoSecretIn(probe, "SECRET-");
  }

  @Test
  void authorizationHeaderIsNeverLogged() {
    String probe = probe();
    Http.Reply reply = http.request(HttpMethod.POST, "/v1/articles?probe=" + probe,
        Map.of("Authorization", "Bearer " + TestNode.TOKEN, "Content-Type", "application/json"),
        Live.article("ops/access", "logged without its token").toBuffer());
    assertEquals(201, reply.status(), reply.toString());

    Map<String, String> line = awaitLine(probe);
    assertEquals("POST", line.get("method"));
    assertEquals("201", line.get("status"));
    assertNoSecretIn(probe, TestNode.TOKEN);
  }

  @Test
  void sseStreamIsLoggedWhenItEnds(Vertx vertx) throws InterruptedException {
    String probe = probe();
    SseClient sse = SseClient.connect(vertx, node.port(), "/v1/sse?topics=**&access_token=SECRET-SSE&probe=" + probe);
    Thread.sleep(300);
    assertTrue(linesFor(probe).isEmpty(), "nothing is logged while the stream is open");
    sse.close();

    Map<String, String> line = awaitLine(probe);
    assertEquals("sse", line.get("transport"));
    assertEquals("200", line.get("status"));
    assertEquals("/v1/sse?topics=**&access_token=***&probe=" + probe, line.get("path"));
    assertTrue(Long.parseLong(line.get("bytes")) > 0, "the stream's opening bytes were counted: " + line);
    assertTrue(Long.parseLong(line.get("duration_ms")) >= 300, "duration covers the whole stream: " + line);
    assertNoSecretIn(probe, "SECRET-SSE");
  }

  @Test
  void webSocketIsLoggedWhenItCloses(Vertx vertx) throws InterruptedException {
    String probe = probe();
    WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws?topics=**&token=SECRET-WS&probe=" + probe);
    ws.awaitMessage("subscribed");
    Thread.sleep(300);
    assertTrue(linesFor(probe).isEmpty(), "nothing is logged while the socket is open");
    ws.close();

    Map<String, String> line = awaitLine(probe);
    assertEquals("ws", line.get("transport"));
    assertEquals("101", line.get("status"));
    assertEquals("/v1/ws?topics=**&token=***&probe=" + probe, line.get("path"));
    // The stream counts what it wrote after the upgrade: every message's payload (frame headers
    // and the 101 answer are not part of it).
    long messages = ws.rawMessages().stream().mapToLong(text -> text.getBytes(StandardCharsets.UTF_8).length).sum();
    assertTrue(Long.parseLong(line.get("bytes")) >= messages, "the " + ws.rawMessages().size()
        + " messages' " + messages + " bytes were counted: " + line);
    assertTrue(Long.parseLong(line.get("duration_ms")) >= 300, "duration covers the whole connection: " + line);
    assertNoSecretIn(probe, "SECRET-WS");
  }

  @Test
  void refusedUpgradeIsAnHttpLine(Vertx vertx) {
    String probe = probe();
    WebSocketClient client = vertx.createWebSocketClient();
    Throwable refused = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(node.port()).setURI("/v1/ws?topics=**&probe=" + probe).addHeader("Origin", "https://elsewhere.example"))
        .map(socket -> (Throwable) null).otherwise(failure -> failure));
    client.close();
    assertTrue(refused instanceof UpgradeRejectedException rejected && rejected.getStatus() == 403,
        "a page from another origin is refused before the upgrade: " + refused);

    Map<String, String> line = awaitLine(probe);
    assertEquals("http", line.get("transport"));
    assertEquals("403", line.get("status"));
    assertEquals(1, linesFor(probe).size());
  }

  @Test
  void redactsEveryTokenParameterAndNothingElse() {
    assertEquals("/health/ready", AccessLog.redact("/health/ready"));
    assertEquals("/a?", AccessLog.redact("/a?"));
    assertEquals("/a?token", AccessLog.redact("/a?token"), "a name without a value hides nothing");
    assertEquals("/a?token=***&", AccessLog.redact("/a?token=x&"));
    assertEquals("/a?access%5Ftoken=***", AccessLog.redact("/a?access%5Ftoken=x"), "percent-encoded names are caught");
    assertEquals("/a?ACCESS_TOKEN=***", AccessLog.redact("/a?ACCESS_TOKEN=x"));
    assertEquals("/a?tokens=x&my_token=y", AccessLog.redact("/a?tokens=x&my_token=y"));
    assertEquals("/a?topics=a%2Fb&since=3", AccessLog.redact("/a?topics=a%2Fb&since=3"));
    assertEquals("/a?bad=%zz&token=***", AccessLog.redact("/a?bad=%zz&token=%zz"), "malformed encoding is kept, not fatal");
  }

  private static String probe() {
    return UUID.randomUUID().toString();
  }

  private List<ILoggingEvent> linesFor(String probe) {
    return events.stream().filter(e -> e.getFormattedMessage().contains(probe)).toList();
  }

  /** The key-value fields of the one access line carrying the probe, once it is written. */
  private Map<String, String> awaitLine(String probe) {
    Await.until(() -> !linesFor(probe).isEmpty(), () -> "no access line for probe " + probe + "; lines: " + messages());
    ILoggingEvent event = linesFor(probe).get(0);
    Map<String, String> fields = new LinkedHashMap<>();
    event.getKeyValuePairs().forEach(pair -> fields.put(pair.key, String.valueOf(pair.value)));
    assertEquals(List.of("method", "path", "status", "transport", "duration_ms", "bytes", "client"),
        List.copyOf(fields.keySet()), "the access line's fields");
    return fields;
  }

  private void assertNoSecretIn(String probe, String secret) {
    for (ILoggingEvent event : events) {
      assertFalse(event.getFormattedMessage().contains(secret), "a secret was logged: " + event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        event.getKeyValuePairs().forEach(pair -> assertFalse(String.valueOf(pair.value).contains(secret),
            "a secret was logged in field " + pair.key + ": " + pair.value));
      }
    }
    assertFalse(linesFor(probe).isEmpty());
  }

  private List<String> messages() {
    return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
