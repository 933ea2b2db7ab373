package io.newspush.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LISTEN connection. It reconnects with capped exponential backoff for as long as it is
 * wanted, and reports each (re)connect, because notifications sent while it was down are gone
 * and whoever listens must catch up from the table.
 */
final class Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final List<String> channels;
  private final Consumer<PgNotification> onNotification;
  private final Runnable onConnected;
  private final Runnable onDisconnected;
  private PgConnection connection;
  private long backoffMs = FIRST_BACKOFF_MS;
  private boolean stopped;

  Listener(Vertx vertx, PgConnectOptions options, List<String> channels,
           Consumer<PgNotification> onNotification, Runnable onConnected, Runnable onDisconnected) {
    this.vertx = vertx;
    this.options = options;
    this.channels = channels;
    this.onNotification = onNotification;
    this.onConnected = onConnected;
    this.onDisconnected = onDisconnected;
  }

  /** Completes once listening for the first time; keeps retrying in the background until then. */
  Future<Void> start() {
    return connect().recover(failure -> {
      LOG.warn("cannot LISTEN yet ({}); retrying in {} ms", failure.getMessage(), backoffMs);
      long delay = nextBackoff();
      return Future.<Void>future(p -> vertx.setTimer(delay, id -> p.complete())).compose(v -> start());
    });
  }

  Future<Void> stop() {
    stopped = true;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    return PgConnection.connect(vertx, options).compose(conn -> {
      conn.notificationHandler(onNotification::accept);
      String listen = String.join("; ", channels.stream().map(c -> "LISTEN " + c).toList());
      return conn.query(listen).execute().map(conn).onFailure(failure -> conn.close());
    }).map(conn -> {
      connection = conn;
      backoffMs = FIRST_BACKOFF_MS;
      conn.closeHandler(v -> onClosed());
      onConnected.run();
      return null;
    });
  }

  private void onClosed() {
    connection = null;
    if (stopped) {
      return;
    }
    onDisconnected.run();
    long delay = nextBackoff();
    LOG.warn("LISTEN connection to PostgreSQL lost; reconnecting in {} ms", delay);
    vertx.setTimer(delay, id -> start());
  }

  private long nextBackoff() {
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    return delay;
  }
}
