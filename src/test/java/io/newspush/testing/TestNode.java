package io.newspush.testing;

import io.newspush.Server;
import io.newspush.config.Config;
import io.newspush.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A real newspush node on a free loopback port, configured the way an operator would: by environment. */
public final class TestNode implements AutoCloseable {
  public static final String TOKEN = "test-publisher-token-0123456789";

  private final Server server;
  private final int port;
  private final Path dataDir;

  private TestNode(Server server, int port, Path dataDir) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts a node on the given database; {@code settings} are NEWSPUSH_* variables that override defaults. */
  public static TestNode start(String databaseUrl, Map<String, String> settings) {
    Map<String, String> environment = new HashMap<>();
    environment.put("NEWSPUSH_DB_URL", databaseUrl);
    environment.put("NEWSPUSH_HTTP_HOST", "127.0.0.1");
    environment.put("NEWSPUSH_HTTP_PORT", Integer.toString(freePort()));
    environment.put("NEWSPUSH_PUBLISHER_TOKEN", TOKEN);
    Path dataDir = ScratchDirectory.create("newspush-node");
    environment.put("NEWSPUSH_DATA_DIR", dataDir.toString());
    environment.put("NEWSPUSH_FEED_POLL_MS", "500");
    environment.putAll(settings);
    Config config = ConfigLoader.load(Optional.empty(), environment);
    return new TestNode(Server.start(config), config.http().port(), dataDir);
  }

  public static TestNode start(String databaseUrl) {
    return start(databaseUrl, Map.of());
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Server server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    ScratchDirectory.delete(dataDir);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
