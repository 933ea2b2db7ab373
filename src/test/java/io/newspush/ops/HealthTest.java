package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.TestNode;
import io.newspush.testing.reliability.ControlledPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The probes a Kubernetes deployment uses, against a PostgreSQL this test owns and stops: live
 * stays 200 throughout, ready follows the database down and back up on the same port.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthTest {
  /** The feed's LISTEN connection retries with a backoff of up to 5 s; leave room for that and a slow machine. */
  private static final Duration RECOVERY = Duration.ofSeconds(40);

  private ControlledPostgres postgres;
  private TestNode node;
  private Http http;

  @BeforeAll
  void start(Vertx vertx) {
    postgres = ControlledPostgres.start();
    node = TestNode.start(postgres.url());
    http = new Http(vertx, node.port());
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void liveAnswersJson() {
    Http.Reply reply = http.get("/health/live");
    assertEquals(200, reply.status());
    assertEquals("application/json; charset=utf-8", reply.headers().get("Content-Type"));
    assertEquals(new JsonObject().put("status", "up"), reply.json());
  }

  @Test
  void readinessFollowsTheDatabaseDownAndUp() {
    Await.until(() -> http.get("/health/ready").status() == 200, () -> "not ready at start: " + http.get("/health/ready"));
    JsonObject ready = http.get("/health/ready").json();
    assertEquals("ready", ready.getString("status"));
    assertEquals("up", ready.getString("database"));
    assertEquals("caught_up", ready.getString("feed"));

    postgres.stop();
    try {
      Await.until(() -> http.get("/health/ready").status() == 503, RECOVERY,
          () -> "still ready with PostgreSQL stopped: " + http.get("/health/ready"));
      JsonObject down = http.get("/health/ready").json();
      assertEquals("not_ready", down.getString("status"));
      assertEquals("down", down.getString("database"));
      assertEquals(200, http.get("/health/live").status(), "a lost database is no reason to restart the process");
    } finally {
      postgres.startAgain();
    }

    Await.until(() -> http.get("/health/ready").status() == 200, RECOVERY,
        () -> "not ready again after PostgreSQL came back: " + http.get("/health/ready"));
    JsonObject again = http.get("/health/ready").json();
    assertEquals("up", again.getString("database"));
    assertEquals("caught_up", again.getString("feed"));
  }
}
