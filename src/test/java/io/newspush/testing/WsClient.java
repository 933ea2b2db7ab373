package io.newspush.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A WebSocket client that records every JSON message and how the connection ended. */
public final class WsClient implements AutoCloseable {
  private final WebSocketClient client;
  private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private final List<String> rawMessages = new CopyOnWriteArrayList<>();
  private volatile WebSocket socket;
  private volatile Short closeStatus;
  private volatile String closeReason;
  private volatile boolean closed;

  private WsClient(Vertx vertx) {
    this.client = vertx.createWebSocketClient();
  }

  public static WsClient connect(Vertx vertx, int port, String pathAndQuery) {
    WsClient ws = new WsClient(vertx);
    // Handlers are set in the connect callback, on the event loop, so not even a message the
    // server sends right after the upgrade can slip past them.
    ws.socket = Await.result(ws.client.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI(pathAndQuery)).map(socket -> {
          socket.textMessageHandler(text -> {
            ws.rawMessages.add(text);
            ws.messages.add(new JsonObject(text));
          });
          socket.closeHandler(v -> {
            ws.closeStatus = socket.closeStatusCode();
            ws.closeReason = socket.closeReason();
            ws.closed = true;
          });
          return socket;
        }));
    return ws;
  }

  public void send(JsonObject message) {
    Await.result(socket.writeTextMessage(message.encode()));
  }

  public void sendText(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  public WebSocket socket() {
    return socket;
  }

  public List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  public List<String> rawMessages() {
    return List.copyOf(rawMessages);
  }

  public List<JsonObject> ofType(String type) {
    return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  public List<JsonObject> articles() {
    return ofType("article").stream().map(m -> m.getJsonObject("article")).toList();
  }

  public List<Long> seqs() {
    return articles().stream().map(a -> a.getLong("seq")).toList();
  }

  public List<JsonObject> awaitArticles(int count) {
    Await.until(() -> articles().size() >= count,
        () -> "WebSocket client has " + articles().size() + " of " + count + " articles; seqs " + seqs());
    return articles();
  }

  public JsonObject awaitMessage(String type) {
    Await.until(() -> !ofType(type).isEmpty(), () -> "no '" + type + "' message; got " + messages);
    return ofType(type).get(ofType(type).size() - 1);
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
    Await.until(() -> closed, () -> "the server did not close the WebSocket");
  }

  @Override
  public void close() {
    client.close();
  }
}
