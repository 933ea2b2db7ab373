package io.newspush.testing;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** A plain HTTP client for publishing and reading history, as a newsroom's tools would. */
public final class Http {
  private final HttpClient client;
  private final Context context;
  private final int port;

  public Http(Vertx vertx, int port) {
    this.client = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
    this.port = port;
  }

  public record Reply(int status, Map<String, String> headers, Buffer body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    @Override
    public String toString() {
      return status + " " + body.toString();
    }
  }

  public Reply publish(JsonObject article) {
    return request(HttpMethod.POST, "/v1/articles", Map.of(
        "Authorization", "Bearer " + TestNode.TOKEN, "Content-Type", "application/json"), article.toBuffer());
  }

  public Reply get(String path) {
    return request(HttpMethod.GET, path, Map.of(), null);
  }

  /** Whether the node answers {@code /health/ready} with 200; false while it is not listening yet. */
  public boolean ready() {
    try {
      return get("/health/ready").status() == 200;
    } catch (AssertionError notListeningYet) {
      return false;
    }
  }

  /**
   * Runs the whole exchange on one context, with the body read inside the send: from a test
   * thread, a flat request/send/body chain can attach its body handler a turn late on a pooled
   * keep-alive connection, and then waits forever for a body that was already delivered.
   */
  public Reply request(HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::putHeader);
    Promise<Reply> reply = Promise.promise();
    context.runOnContext(v -> client.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(data -> new Reply(response.statusCode(), headers(response), data))))
        .onComplete(reply));
    return Await.result(reply.future());
  }

  private static Map<String, String> headers(HttpClientResponse response) {
    Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
    return headers;
  }
}
