package io.newspush.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.Server;
import io.newspush.config.Config;
import io.newspush.config.ConfigLoader;
import io.newspush.testing.Http;
import io.newspush.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default mode: no database configured, so newspush runs its own PostgreSQL under the data
 * directory. Stopping and starting again keeps the articles, the seq and the generated token.
 */
@ExtendWith(VertxExtension.class)
class RestartOnSameDataDirectoryTest {

  @Test
  void articlesSeqAndTokenSurviveARestart(Vertx vertx, @TempDir Path dataDir) throws Exception {
    Map<String, String> environment = Map.of(
        "NEWSPUSH_DATA_DIR", dataDir.toString(),
        "NEWSPUSH_HTTP_HOST", "127.0.0.1",
        "NEWSPUSH_HTTP_PORT", Integer.toString(TestNode.freePort()));
    Config config = ConfigLoader.load(Optional.empty(), environment);
    assertTrue(config.database().url().isEmpty(), "no database configured: embedded mode");

    String token;
    long lastSeq;
    try (Server first = Server.start(config)) {
      token = first.publisherToken();
      Path tokenFile = dataDir.resolve("publisher-token");
      assertEquals(token, Files.readString(tokenFile).strip(), "the generated token is kept in the data directory");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
      Http http = new Http(vertx, config.http().port());
      lastSeq = 0;
      for (int i = 0; i < 3; i++) {
        Http.Reply reply = publish(http, token, "before restart " + i);
        assertEquals(201, reply.status(), reply::toString);
        lastSeq = reply.json().getLong("seq");
      }
    }
    assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the database files live under the data directory");

    try (Server second = Server.start(config)) {
      assertEquals(token, second.publisherToken(), "the same token after a restart");
      Http http = new Http(vertx, config.http().port());
      Http.Reply reply = publish(http, token, "after restart");
      assertEquals(201, reply.status(), reply::toString);
      assertTrue(reply.json().getLong("seq") > lastSeq, "seq continues after the restart");
      List<Object> titles = http.get("/v1/articles?topics=**").json().getJsonArray("articles").stream()
          .map(a -> ((JsonObject) a).getString("title")).map(Object.class::cast).toList();
      assertEquals(List.of("before restart 0", "before restart 1", "before restart 2", "after restart"), titles);
    }
  }

  private static Http.Reply publish(Http http, String token, String title) {
    return http.request(io.vertx.core.http.HttpMethod.POST, "/v1/articles",
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
        new JsonObject().put("topic", "restart/test").put("title", title).toBuffer());
  }
}
