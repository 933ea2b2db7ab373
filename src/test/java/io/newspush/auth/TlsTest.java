package io.newspush.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.newspush.testing.Await;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and WSS from a PEM certificate and key, here a self-signed one made for the test. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
  private TestNode node;
  private Path cert;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertEquals(true, openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made a certificate");
    node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_HTTP_TLS_CERT", cert.toString(), "NEWSPUSH_HTTP_TLS_KEY", key.toString()));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void servesHttpsAndWss(Vertx vertx) {
    PemTrustOptions trust = new PemTrustOptions().addCertPath(cert.toString());
    var https = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustOptions(trust));
    int status = Await.result(https.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost("127.0.0.1").setPort(node.port()).setURI("/health/live"))
        .compose(request -> request.send()).map(response -> response.statusCode()));
    assertEquals(200, status, "HTTPS answers");

    var wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustOptions(trust));
    JsonObject first = Await.result(wss.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
            .setURI("/v1/ws?topics=**").setSsl(true))
        .compose(ws -> {
          io.vertx.core.Promise<JsonObject> message = io.vertx.core.Promise.promise();
          ws.textMessageHandler(text -> message.tryComplete(new JsonObject(text)));
          return message.future();
        }));
    assertEquals("subscribed", first.getString("type"), "WSS subscribes");
  }
}
