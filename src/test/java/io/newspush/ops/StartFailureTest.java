package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.reliability.NodeProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's exit codes: 1 when the server cannot start, 2 for bad configuration, each with the reason. */
class StartFailureTest {

  @Test
  void aPortAlreadyTakenExitsWith1AndSaysWhy(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
         NodeProcess node = NodeProcess.start(Map.of(
             "NEWSPUSH_DB_URL", TestPostgres.newDatabase(),
             "NEWSPUSH_HTTP_HOST", "127.0.0.1",
             "NEWSPUSH_HTTP_PORT", Integer.toString(taken.getLocalPort()),
             "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN,
             "NEWSPUSH_DATA_DIR", dataDir.toString()), dataDir.resolve("node.log"))) {
      assertEquals(1, node.exitValue(Duration.ofSeconds(60)), node.logTail());
      // Logged from the start-up's failure path, just before it exits: the log must be written out first.
      assertTrue(node.logTail().contains("newspush could not start"), "the reason is logged:\n" + node.logTail());
    }
  }

  @Test
  void aBadSettingExitsWith2AndNamesIt(@TempDir Path dataDir) {
    try (NodeProcess node = NodeProcess.start(Map.of(
        "NEWSPUSH_HTTP_PORT", "eighty",
        "NEWSPUSH_DATA_DIR", dataDir.toString()), dataDir.resolve("node.log"))) {
      assertEquals(2, node.exitValue(Duration.ofSeconds(60)), node.logTail());
      assertTrue(node.logTail().contains("http.port") && node.logTail().contains("eighty"), "the setting and its value are named:\n" + node.logTail());
    }
  }
}
