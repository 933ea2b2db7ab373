package io.newspush.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client that installs its handlers before the handshake, so it also records the
 * messages the server sends the instant the socket opens (the {@code subscribed} answer and
 * replayed articles of {@code /v1/ws?topics=...&since=...}). It keeps every text message raw, counts
 * the server's ping frames (answered automatically by Vert.x) and records how the socket closed.
 */
public final class WsClient implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final List<String> raw = new CopyOnWriteArrayList<>();
  private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger pings = new AtomicInteger();
  private final String name;
  private volatile Short closeStatus;
  private volatile String closeReason;
  private volatile boolean closed;

  private WsClient(Vertx vertx, String name, WebSocketClientOptions options) {
    this.client = vertx.createWebSocketClient(options);
    this.socket = client.webSocket();
    this.name = name;
    socket.textMessageHandler(text -> {
      raw.add(text);
      messages.add(new JsonObject(text));
    });
    socket.frameHandler(frame -> {
      if (frame.isPing()) {
        pings.incrementAndGet();
      }
    });
    socket.closeHandler(v -> {
      closeStatus = socket.closeStatusCode();
      closeReason = socket.closeReason();
      closed = true;
    });
  }

  public static WsClient connect(Vertx vertx, int port, String pathAndQuery) {
    return connect(vertx, port, pathAndQuery, new WebSocketClientOptions());
  }

  /** Connects with client options, e.g. a larger {@code maxFrameSize} to send one big frame. */
  public static WsClient connect(Vertx vertx, int port, String pathAndQuery, WebSocketClientOptions options) {
    WsClient session = new WsClient(vertx, "WebSocket " + pathAndQuery, options);
    Await.result(session.socket.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI(pathAndQuery)));
    return session;
  }

  public void send(JsonObject message) {
    sendText(message.encode());
  }

  public void sendText(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  public void sendBinary(Buffer data) {
    Await.result(socket.writeBinaryMessage(data));
  }

  /** Sends {@code {"op":"ping"}} and waits for the pong: every message sent before has been handled. */
  public void sync() {
    int before = ofType("pong").size();
    send(new JsonObject().put("op", "ping"));
    awaitNth("pong", before + 1);
  }

  public List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  public List<String> rawMessages() {
    return List.copyOf(raw);
  }

  public List<JsonObject> ofType(String type) {
    return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  public List<JsonObject> articles() {
    return ofType("article").stream().map(m -> m.getJsonObject("article")).toList();
  }

  /** The raw text of the {@code article} field of each article message, in arrival order. */
  public List<String> rawArticles() {
    List<String> articles = new ArrayList<>();
    for (String text : raw) {
      if ("article".equals(new JsonObject(text).getString("type"))) {
        articles.add(RawJson.field(text, "article"));
      }
    }
    return articles;
  }

  public List<Long> seqs() {
    return articles().stream().map(a -> a.getLong("seq")).toList();
  }

  /** Waits for the n-th (1-based) message of the type and returns it. */
  public JsonObject awaitNth(String type, int n) {
    Await.until(() -> ofType(type).size() >= n,
        () -> name + " has " + ofType(type).size() + " of " + n + " '" + type + "' messages; got " + messages);
    return ofType(type).get(n - 1);
  }

  public JsonObject awaitMessage(String type) {
    return awaitNth(type, 1);
  }

  public void awaitSeq(long seq) {
    Await.until(() -> seqs().contains(seq), () -> name + " never received seq " + seq + "; has seqs " + seqs());
  }

  public List<JsonObject> awaitArticles(int count) {
    Await.until(() -> articles().size() >= count,
        () -> name + " has " + articles().size() + " of " + count + " articles; seqs " + Await.summary(seqs()));
    return articles();
  }

  public ClientWebSocket socket() {
    return socket;
  }

  public int pingFrames() {
    return pings.get();
  }

  public boolean closed() {
    return closed;
  }

  public Short closeStatus() {
    return closeStatus;
  }

  public String closeReason() {
    return closeReason;
  }

  public void awaitClosed() {
    awaitClosed(Await.DEFAULT);
  }

  public void awaitClosed(Duration timeout) {
    Await.until(() -> closed, timeout, () -> name + " was not closed by the server");
  }

  @Override
  public String toString() {
    return name;
  }

  @Override
  public void close() {
    client.close();
  }
}
