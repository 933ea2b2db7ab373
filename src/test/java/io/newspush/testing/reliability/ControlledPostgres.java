package io.newspush.testing.reliability;

import io.newspush.testing.ScratchDirectory;
import io.newspush.testing.TestNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own (not the shared {@link TestPostgres} one), on a fixed port
 * and data directory, so the test can stop it and start it again with the same data and address,
 * as an operator restarting the database would.
 */
public final class ControlledPostgres implements AutoCloseable {
  private final Path directory;
  private final int port;
  private EmbeddedPostgres postgres;

  private ControlledPostgres(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /** Creates the data directory (initdb) and starts the server on a free port. */
  public static ControlledPostgres start() {
    ControlledPostgres controlled = new ControlledPostgres(ScratchDirectory.create("newspush-controlled-pg"), TestNode.freePort());
    controlled.startAgain();
    return controlled;
  }

  /** Starts the server on the same port and data directory; blocks until it accepts connections. */
  public synchronized void startAgain() {
    if (postgres != null) {
      throw new IllegalStateException("PostgreSQL is already running");
    }
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(directory)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setLocaleConfig("encoding", "UTF8")
          .setLocaleConfig("locale", "C.UTF-8")
          .setServerConfig("max_connections", "100")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not start on port " + port + " with data in " + directory, e);
    }
  }

  /** Stops the server (pg_ctl stop, fast mode: every connection is terminated); the data stays. */
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      postgres = null;
    }
  }

  public synchronized boolean running() {
    return postgres != null;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "postgresql://postgres@localhost:" + port + "/postgres";
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    stop();
    ScratchDirectory.delete(directory);
  }
}
