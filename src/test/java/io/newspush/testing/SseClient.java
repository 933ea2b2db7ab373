package io.newspush.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Server-Sent Events client that parses the stream the way EventSource does, keeping raw bytes. */
public final class SseClient implements AutoCloseable {
  public record Event(String id, String event, String data) {}

  private final HttpClient client;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private final List<String> retries = new CopyOnWriteArrayList<>();
  private volatile int status;
  private volatile Map<String, String> headers = Map.of();
  private volatile String errorBody;
  private volatile boolean ended;
  private Buffer pending = Buffer.buffer();

  private SseClient(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  /** Connects and waits for the response head; the stream then fills in the background. */
  public static SseClient connect(Vertx vertx, int port, String pathAndQuery, Map<String, String> requestHeaders) {
    SseClient sse = new SseClient(vertx);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI(pathAndQuery).putHeader("Accept", "text/event-stream");
    requestHeaders.forEach(options::putHeader);
    // As in Http: the whole exchange runs on one context, with the handlers attached inside the
    // send, so no part of the body can arrive before they are in place.
    io.vertx.core.Promise<SseClient> connected = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(start -> sse.client.request(options).compose(request -> request.send().map(response -> {
      Map<String, String> head = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      response.headers().forEach(e -> head.put(e.getKey(), e.getValue()));
      sse.headers = head;
      sse.status = response.statusCode();
      if (response.statusCode() != 200) {
        response.body().onSuccess(body -> sse.errorBody = body.toString(StandardCharsets.UTF_8));
      } else {
        response.handler(sse::onData);
        response.endHandler(v -> sse.ended = true);
        response.exceptionHandler(e -> sse.ended = true);
      }
      return sse;
    })).onComplete(connected));
    Await.result(connected.future());
    return sse;
  }

  public static SseClient connect(Vertx vertx, int port, String pathAndQuery) {
    return connect(vertx, port, pathAndQuery, Map.of());
  }

  private synchronized void onData(Buffer chunk) {
    pending.appendBuffer(chunk);
    byte[] bytes = pending.getBytes();
    int start = 0;
    for (int i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
        parseBlock(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 2;
        i++;
      }
    }
    pending = Buffer.buffer().appendBytes(bytes, start, bytes.length - start);
  }

  private void parseBlock(String block) {
    String id = null;
    String event = "message";
    StringBuilder data = null;
    for (String line : block.split("\n", -1)) {
      if (line.startsWith(":")) {
        comments.add(line.substring(1).strip());
      } else if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("retry: ")) {
        retries.add(line.substring(7));
      } else if (line.startsWith("data: ")) {
        data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
      }
    }
    if (data != null) {
      events.add(new Event(id, event, data.toString()));
    }
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public String errorBody() {
    Await.until(() -> errorBody != null, () -> "no error body arrived");
    return errorBody;
  }

  public boolean ended() {
    return ended;
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  public List<String> comments() {
    return List.copyOf(comments);
  }

  public List<String> retries() {
    return List.copyOf(retries);
  }

  public List<JsonObject> articles() {
    List<JsonObject> articles = new ArrayList<>();
    for (Event event : events) {
      if (event.event().equals("article")) {
        articles.add(new JsonObject(event.data()));
      }
    }
    return articles;
  }

  public List<Long> seqs() {
    return articles().stream().map(a -> a.getLong("seq")).toList();
  }

  public List<JsonObject> awaitArticles(int count) {
    Await.until(() -> articles().size() >= count,
        () -> "SSE client has " + articles().size() + " of " + count + " articles; seqs " + Await.summary(seqs()));
    return articles();
  }

  @Override
  public void close() {
    client.close();
  }
}
