package io.newspush.bench;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The subscribers of one event loop: subscriber numbers {@code index, index + groups, ...}, the
 * first {@code --ws} of all numbers being WebSockets and the rest SSE streams. Opens them a few at
 * a time so the server's accept queue never overflows.
 */
final class SubscriberGroup extends VerticleBase {
  private static final byte[] SUBSCRIBED = "\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);

  private final BenchOptions options;
  private final Tally tally;
  /** This event loop's own: its subscribers are touched by it alone. */
  private final ArticleTimes times;
  private final int groups;
  private final int concurrency;
  /** One client per source address: the kernel gives each address its own range of ports. */
  private final List<WebSocketClient> webSocketClients = new ArrayList<>();
  private final List<HttpClient> sseClients = new ArrayList<>();
  private int next;
  private int inFlight;

  SubscriberGroup(BenchOptions options, Tally tally, int index, int groups) {
    this.options = options;
    this.tally = tally;
    this.times = tally.newArticleTimes();
    this.groups = groups;
    this.next = index;
    this.concurrency = Math.max(1, options.connectConcurrency() / groups);
  }

  @Override
  public Future<?> start() {
    // A client's pool keeps an array as long as its limit for as long as it lives: an unbounded
    // limit (a million) pinned 4 MB per client, 64 MB in all, which every collection had to get past.
    int connections = options.subscribers();
    for (int i = 0; i < Math.max(1, options.localAddresses()); i++) {
      String local = options.localAddresses() == 0 ? null : "127.0.0." + (i + 1);
      webSocketClients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
          .setLocalAddress(local).setMaxConnections(connections)));
      sseClients.add(vertx.createHttpClient(new HttpClientOptions().setLocalAddress(local).setKeepAlive(false),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1)));
    }
    connectMore();
    return Future.succeededFuture();
  }

  private void connectMore() {
    int total = options.subscribers();
    while (inFlight < concurrency && next < total && !tally.fileLimitHit && tally.takeConnectionSlot()) {
      int number = next;
      next += groups;
      inFlight++;
      int client = (number / groups) % webSocketClients.size();
      Future<Void> subscribed = number < options.webSockets() ? openWebSocket(client) : openSse(client);
      subscribed.onComplete(done -> {
        inFlight--;
        if (done.succeeded()) {
          tally.subscribed.increment();
        } else {
          tally.connectFailed(done.cause());
        }
        connectMore();
      });
    }
    if (inFlight == 0 && (next >= total || tally.fileLimitHit)) {
      next = Integer.MAX_VALUE;
      tally.groupsDoneConnecting.increment();
    }
  }

  private Future<Void> openWebSocket(int client) {
    Subscriber subscriber = new Subscriber(options.target(), tally, times);
    Promise<Void> ready = Promise.promise();
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(options.url().getHost()).setPort(options.url().getPort())
        .setURI(options.target().wsPath(options.topic()));
    return webSocketClients.get(client).connect(connect).compose(socket -> {
      socket.handler(frame -> onWebSocketMessage(frame, subscriber, ready));
      socket.closeHandler(v -> {
        if (!ready.tryFail("the WebSocket closed before it was subscribed")) {
          subscriber.gone("ws " + socket.closeStatusCode() + " " + socket.closeReason());
        }
      });
      if (options.target().subscribedOnUpgrade()) {
        ready.complete();
      }
      return ready.future();
    });
  }

  /** Both servers send each message as one frame, so a frame is a whole message. */
  private void onWebSocketMessage(Buffer frame, Subscriber subscriber, Promise<Void> ready) {
    ByteBuf bytes = Payload.heapBytes(frame);
    byte[] message = bytes.array();
    int from = bytes.arrayOffset() + bytes.readerIndex();
    int to = from + bytes.readableBytes();
    if (subscriber.accept(message, from, to)) {
      return;
    }
    if (Payload.indexOf(message, SUBSCRIBED, from, to) >= 0) {
      ready.tryComplete();
    } else {
      tally.otherMessage(new String(message, from, to - from, StandardCharsets.UTF_8));
    }
  }

  private Future<Void> openSse(int client) {
    Subscriber subscriber = new Subscriber(options.target(), tally, times);
    RequestOptions request = new RequestOptions()
        .setHost(options.url().getHost()).setPort(options.url().getPort())
        .setURI(options.target().ssePath(options.topic()))
        .putHeader("Accept", "text/event-stream");
    return sseClients.get(client).request(request).compose(HttpClientRequest::send).compose(response -> {
      if (response.statusCode() != 200) {
        return Future.failedFuture("SSE request answered " + response.statusCode());
      }
      SseFramer framer = new SseFramer(subscriber::accept);
      response.handler(framer::feed);
      response.endHandler(v -> subscriber.gone("sse stream ended"));
      response.exceptionHandler(e -> subscriber.gone("sse " + e));
      // newspush subscribes the stream before it sends the response head; Nchan hands a late
      // subscriber the channel's buffered messages (nchan_subscriber_first_message oldest).
      return Future.succeededFuture();
    });
  }
}
