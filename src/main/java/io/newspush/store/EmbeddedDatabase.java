package io.newspush.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A PostgreSQL server run by newspush itself, keeping its files under the data directory. */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final Path directory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory) {
    this.postgres = postgres;
    this.directory = directory;
  }

  /** Blocking: runs initdb on first use and waits for the server to accept connections. */
  public static EmbeddedDatabase start(Path dataDir) {
    Path directory = dataDir.toAbsolutePath().resolve("postgres");
    try {
      Files.createDirectories(directory);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(directory)
          .setCleanDataDirectory(false)
          .setLocaleConfig("encoding", "UTF8")
          .setLocaleConfig("locale", "C.UTF-8")
          .setServerConfig("max_connections", "200")
          // The library turns both off (-F) for tests' sake. A publish answered 201 must survive
          // a crash, and a seq a client has seen must never be handed to another article.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .start();
      return new EmbeddedDatabase(postgres, directory);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + directory, e);
    }
  }

  public String url() {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
