package io.newspush.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What a listener on its own connection hears, in the order the database sent it. */
public final class Notifications {
  private final LinkedBlockingQueue<PgNotification> heard = new LinkedBlockingQueue<>();

  private Notifications() {}

  /** Listens on {@code channels} of the database at {@code url} until the Vert.x instance closes. */
  public static Notifications listen(Vertx vertx, String url, String... channels) {
    Notifications notifications = new Notifications();
    PgConnection listener = Await.result(PgConnection.connect(vertx, PgConnectOptions.fromUri(url)));
    listener.notificationHandler(notifications.heard::add);
    for (String channel : channels) {
      Await.result(listener.query("LISTEN " + channel).execute());
    }
    return notifications;
  }

  /** The next notification, failing the test when none comes within 10 s. */
  public PgNotification next() throws InterruptedException {
    PgNotification notification = heard.poll(10, TimeUnit.SECONDS);
    assertNotNull(notification, "a notification within 10 s");
    return notification;
  }
}
