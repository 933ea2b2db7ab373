package io.newspush.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigurationTest {

  @Test
  void everySettingIsDocumentedInTheConfigFile() throws Exception {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/newspush.json")));
    Map<String, Object> defaults = ConfigLoader.defaults();
    assertTrue(defaults.size() > 20, "the defaults are read from conf/newspush.json");
    for (String key : defaults.keySet()) {
      assertTrue(file.containsKey("_" + key), "setting " + key + " has a _" + key + " line documenting it");
    }
  }

  @Test
  void defaultsNeedNoSetup() {
    Config config = ConfigLoader.load(Optional.empty(), Map.of());
    assertEquals(8080, config.http().port());
    assertTrue(config.database().url().isEmpty(), "no database URL: embedded PostgreSQL");
    assertEquals(Path.of("./data"), config.dataDir());
    assertEquals(64, config.limits().patterns());
    assertEquals(1024 * 1024, config.limits().publishBytes());
    assertEquals(15, config.sse().pingInterval().toSeconds());
    assertEquals(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, config.http().gateways(), "one gateway per event loop");
  }

  @Test
  void environmentOverridesFileOverridesDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.json");
    Files.writeString(file, "{\"http.port\": 9000, \"limits.patterns\": 10, \"_comment\": \"ignored\"}");
    Config config = ConfigLoader.load(Optional.of(file), Map.of(
        "NEWSPUSH_HTTP_PORT", "9100", "NEWSPUSH_DB_URL", "postgresql://u:p@db:5432/news"));
    assertEquals(9100, config.http().port(), "the environment wins over the file");
    assertEquals(10, config.limits().patterns(), "the file wins over the defaults");
    assertEquals(Optional.of("postgresql://u:p@db:5432/news"), config.database().url());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "NEWSPUSH_HTTP_PORT, eighty, http.port",
      "NEWSPUSH_HTTP_PORT, 70000, http.port",
      "NEWSPUSH_LIMITS_PATTERNS, 0, limits.patterns",
      "NEWSPUSH_DB_URL, mysql://x, db.url",
      "NEWSPUSH_DEMO_ENABLED, maybe, demo.enabled",
      "NEWSPUSH_PUBLISHER_TOKEN, short, publisher.token",
  })
  void badValueStopsStartWithOneLineNamingTheSetting(String variable, String value, String setting) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(variable, value)));
    assertTrue(e.getMessage().contains(setting), "message names " + setting + ": " + e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void unknownSettingInFileIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.json");
    Files.writeString(file, "{\"http.prot\": 9000}");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
  }
}
