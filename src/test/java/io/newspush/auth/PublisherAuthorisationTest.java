package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Http;
import io.newspush.testing.Jwts;
import io.newspush.testing.Sql;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Static publisher tokens publish anywhere; publisher JWTs only where their publish claim allows. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublisherAuthorisationTest {
  private static final String SECOND_TOKEN = "second-publisher-token-abcdefghij";
  private TestNode node;
  private Http http;
  private Pool sql;
  private Jwts jwts;

  @BeforeAll
  void start(Vertx vertx) {
    jwts = new Jwts(vertx);
    String url = TestPostgres.newDatabase();
    node = TestNode.start(url, Map.of(
        "NEWSPUSH_PUBLISHER_TOKEN", TestNode.TOKEN + "," + SECOND_TOKEN,
        "NEWSPUSH_AUTH_JWT_SECRET", Jwts.SECRET,
        "NEWSPUSH_AUTH_JWT_ISSUER", Jwts.ISSUER,
        "NEWSPUSH_AUTH_JWT_AUDIENCE", Jwts.AUDIENCE));
    http = new Http(vertx, node.port());
    sql = TestPostgres.pool(vertx, url);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static JsonObject publisherClaims(List<String> publish) {
    return Jwts.claims(List.of()).put("publish", new JsonArray(publish));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        row("no Authorization", j -> null, "economy/trade", 401),
        row("wrong static token", j -> "Bearer wrong-token-wrong-token-wrong", "economy/trade", 401),
        row("empty bearer", j -> "Bearer ", "economy/trade", 401),
        row("first static token", j -> "Bearer " + TestNode.TOKEN, "economy/trade", 201),
        row("second static token", j -> "Bearer " + SECOND_TOKEN, "health/vaccination", 201),
        row("static token, lower-case scheme", j -> "bearer " + TestNode.TOKEN, "economy/trade", 201),
        row("JWT allowed topic", j -> "Bearer " + j.hs256(publisherClaims(List.of("economy/**"))), "economy/trade", 201),
        row("JWT outside its topics", j -> "Bearer " + j.hs256(publisherClaims(List.of("economy/**"))), "politics/party", 403),
        row("subscriber JWT cannot publish", j -> "Bearer " + j.hs256(Jwts.claims(List.of("**"))), "economy/trade", 403),
        row("forged JWT", j -> "Bearer " + Jwts.unsigned(publisherClaims(List.of("**"))), "economy/trade", 401),
        row("expired JWT", j -> "Bearer " + j.hs256(publisherClaims(List.of("**")).put("exp", 1)), "economy/trade", 401));
  }

  private static Arguments row(String name, Function<Jwts, String> authorization, String topic, int status) {
    return Arguments.of(name, authorization, topic, status);
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("cases")
  void publish(String name, Function<Jwts, String> authorization, String topic, int status) {
    long before = Sql.count(sql);
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
    String header = authorization.apply(jwts);
    if (header != null) {
      headers.put("Authorization", header);
    }
    Http.Reply reply = http.request(HttpMethod.POST, "/v1/articles", headers,
        new JsonObject().put("topic", topic).put("title", "标题 " + name).toBuffer());
    assertEquals(status, reply.status(), () -> name + ": " + reply);
    if (status == 201) {
      assertEquals(before + 1, Sql.count(sql), name + ": stored once");
    } else {
      assertEquals(status == 401 ? "unauthorized" : "forbidden", reply.json().getString("error"), name);
      assertEquals(before, Sql.count(sql), name + ": nothing stored");
    }
  }
}
