package io.newspush.store;

import io.vertx.pgclient.PgConnectOptions;

/** How newspush talks to PostgreSQL, whichever server the URL names. */
public final class ConnectOptions {
  private ConnectOptions() {}

  /**
   * Accepts libpq's {@code postgres://} spelling too. Statements are prepared once per connection
   * and then only bound: unprepared, every query of the publish path (insert, stamp, the feed's
   * read) costs a second round trip to parse, which is most of an article's way to its readers.
   */
  public static PgConnectOptions of(String url) {
    String normalised = url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url;
    return PgConnectOptions.fromUri(normalised)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }
}
