package io.newspush.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Publishes {@code count} articles at {@code --rate} per second on one event loop, numbered from
 * {@code first}. The i-th is due {@code i / rate} seconds after the start; if the server falls
 * behind, the publisher catches up as fast as its connections allow rather than skipping any.
 */
final class Publisher {
  private final BenchOptions options;
  private final Tally tally;
  private final int first;
  private final int end;
  private final Context context;
  private final HttpClient client;
  private final Promise<Void> done = Promise.promise();
  private long startNanos;
  private int issued;
  private int inFlight;
  private long timer;
  private volatile long firstPublishMicros;
  private volatile long lastAnswerMicros;

  Publisher(Vertx vertx, BenchOptions options, Tally tally, int first, int count) {
    this.options = options;
    this.tally = tally;
    this.first = first;
    this.end = first + count;
    this.issued = first;
    this.context = vertx.getOrCreateContext();
    int connections = options.target().publishConcurrency();
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setDefaultHost(options.url().getHost()).setDefaultPort(options.url().getPort()),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Completes once every article has been answered, successfully or not. */
  Future<Void> run() {
    long tickMillis = Math.max(1, Math.min(100, (long) (1000 / options.rate())));
    context.runOnContext(v -> {
      startNanos = System.nanoTime();
      timer = context.owner().setPeriodic(tickMillis, id -> publishDue());
      publishDue();
    });
    return done.future();
  }

  long firstPublishMicros() {
    return firstPublishMicros;
  }

  /** From sending the first article to the answer for the last one. */
  double seconds() {
    return (lastAnswerMicros - firstPublishMicros) / 1e6;
  }

  private void publishDue() {
    double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
    long due = Math.min(end, first + 1 + (long) (elapsedSeconds * options.rate()));
    while (issued < due && inFlight < options.target().publishConcurrency()) {
      publish(issued++);
    }
    if (issued == end) {
      context.owner().cancelTimer(timer);
    }
  }

  private void publish(int counter) {
    inFlight++;
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
        .setURI(options.target().publishPath(options.topic()))
        .putHeader("Content-Type", "application/json");
    options.target().publishHeaders(request, options.token());
    long now = Payload.nowMicros();
    tally.sent(counter, now);
    if (counter == first) {
      firstPublishMicros = now;
    }
    client.request(request)
        .compose(r -> r.send(Payload.article(options.topic(), counter, now, options.articleBytes())))
        .compose(response -> response.body().compose(body -> response.statusCode() / 100 == 2
            ? Future.succeededFuture()
            : Future.failedFuture("publish answered " + response.statusCode() + ": " + body)))
        .onComplete(answered -> {
          inFlight--;
          lastAnswerMicros = Payload.nowMicros();
          if (answered.succeeded()) {
            tally.published.increment();
            tally.answered(counter, lastAnswerMicros - now);
          } else {
            tally.publishFailed(answered.cause());
          }
          if (issued == end && inFlight == 0) {
            client.close();
            done.complete();
          } else {
            publishDue();
          }
        });
  }
}
