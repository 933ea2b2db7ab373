package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.Http;
import io.newspush.testing.Sql;
import io.newspush.testing.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refused publish gets its status and error code, and leaves the articles table untouched. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishValidationTest {
  private static final String JSON = "application/json";
  private static final String GOOD = "{\"topic\":\"economy/trade\",\"title\":\"标题\"}";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  static Stream<Arguments> refusals() {
    return Stream.of(
        row("no token", null, JSON, GOOD, 401, "unauthorized"),
        row("wrong token", "Bearer not-the-token", JSON, GOOD, 401, "unauthorized"),
        row("not a bearer token", "Basic dXNlcjpwYXNz", JSON, GOOD, 401, "unauthorized"),
        row("text/plain", TOKEN, "text/plain", GOOD, 415, "unsupported_media_type"),
        row("no content type", TOKEN, null, GOOD, 415, "unsupported_media_type"),
        row("not JSON", TOKEN, JSON, "{\"topic\": ", 400, "invalid_json"),
        row("JSON array", TOKEN, JSON, "[" + GOOD + "]", 400, "invalid_json"),
        row("empty body", TOKEN, JSON, "", 400, "invalid_json"),
        row("deeply nested", TOKEN, JSON, "[".repeat(5000) + "]".repeat(5000), 400, "invalid_json"),
        row("missing title", TOKEN, JSON, "{\"topic\":\"a\"}", 400, "invalid_title"),
        row("empty title", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"\"}", 400, "invalid_title"),
        row("blank title", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"   \"}", 400, "invalid_title"),
        row("title of 513 characters", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"" + "长".repeat(513) + "\"}", 400, "invalid_title"),
        row("title not a string", TOKEN, JSON, "{\"topic\":\"a\",\"title\":5}", 400, "invalid_title"),
        row("NUL in title", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"a\\u0000b\"}", 400, "invalid_title"),
        row("lone surrogate", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"a\\ud800b\"}", 400, "invalid_title"),
        row("missing topic", TOKEN, JSON, "{\"title\":\"t\"}", 400, "invalid_topic"),
        row("empty segment", TOKEN, JSON, "{\"topic\":\"a//b\",\"title\":\"t\"}", 400, "invalid_topic"),
        row("wildcard topic", TOKEN, JSON, "{\"topic\":\"a/*\",\"title\":\"t\"}", 400, "invalid_topic"),
        row("nine segments", TOKEN, JSON, "{\"topic\":\"a/b/c/d/e/f/g/h/i\",\"title\":\"t\"}", 400, "invalid_topic"),
        row("space in topic", TOKEN, JSON, "{\"topic\":\"a b\",\"title\":\"t\"}", 400, "invalid_topic"),
        row("17 tags", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"tags\":[" + "\"x\",".repeat(16) + "\"x\"]}", 400, "invalid_tags"),
        row("tag of 65 characters", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"tags\":[\"" + "x".repeat(65) + "\"]}", 400, "invalid_tags"),
        row("empty tag", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"tags\":[\"\"]}", 400, "invalid_tags"),
        row("tags not an array", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"tags\":\"x\"}", 400, "invalid_tags"),
        row("body of numbers", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"body\":[1,2]}", 400, "invalid_body"),
        row("published_at without offset", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"published_at\":\"2026-04-16T07:00:00\"}", 400, "invalid_published_at"),
        row("published_at not a date", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"published_at\":\"yesterday\"}", 400, "invalid_published_at"),
        row("published_at impossible date", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"published_at\":\"2026-02-30T07:00:00+08:00\"}", 400, "invalid_published_at"),
        row("lang not BCP 47", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"lang\":\"中文\"}", 400, "invalid_lang"),
        row("client-chosen id", TOKEN, JSON, "{\"id\":\"x\",\"topic\":\"a\",\"title\":\"t\"}", 400, "read_only_field"),
        row("client-chosen seq", TOKEN, JSON, "{\"seq\":1,\"topic\":\"a\",\"title\":\"t\"}", 400, "read_only_field"),
        row("unknown field", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"titel\":\"typo\"}", 400, "unknown_field"),
        row("body over 1 MiB", TOKEN, JSON, "{\"topic\":\"a\",\"title\":\"t\",\"summary\":\"" + "x".repeat(1024 * 1024) + "\"}", 413, "body_too_large"));
  }

  private static final String TOKEN = "Bearer " + TestNode.TOKEN;

  private static Arguments row(String name, String authorization, String contentType, String body, int status, String code) {
    return Arguments.of(name, authorization, contentType, body, status, code);
  }

  @ParameterizedTest(name = "{0} -> {4} {5}")
  @MethodSource("refusals")
  void refusedWithStatusAndCodeAndNothingStored(String name, String authorization, String contentType, String body,
                                                int status, String code) {
    long before = Sql.count(node.sql());
    Map<String, String> headers = new HashMap<>();
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    Http.Reply reply = node.http().request(HttpMethod.POST, "/v1/articles", headers, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(status, reply.status(), () -> name + ": " + reply);
    assertEquals("application/json; charset=utf-8", reply.headers().get("Content-Type"), name);
    JsonObject error = reply.json();
    assertEquals(code, error.getString("error"), () -> name + ": " + reply);
    assertNotNull(error.getString("message"), name + " explains itself");
    assertFalse(error.getString("message").contains("Exception"), name + " leaks no stack trace: " + error);
    assertEquals(before, Sql.count(node.sql()), name + ": nothing was stored");
  }

  @ParameterizedTest(name = "invalid UTF-8 bytes {0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8IsRefused(String hex) {
    byte[] prefix = "{\"topic\":\"a\",\"title\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
    Buffer body = Buffer.buffer().appendBytes(prefix).appendBytes(bad).appendBytes(suffix);
    long before = Sql.count(node.sql());
    Http.Reply reply = node.http().request(HttpMethod.POST, "/v1/articles",
        Map.of("Authorization", TOKEN, "Content-Type", JSON), body);
    assertEquals(400, reply.status(), reply::toString);
    assertEquals("invalid_json", reply.json().getString("error"));
    assertEquals(before, Sql.count(node.sql()));
  }

  static Stream<String> invalidUtf8() {
    return Stream.of("ff", "c3", "e4b8", "eda080", "c0af");
  }
}
