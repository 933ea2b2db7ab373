package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.demo.DemoPublisher;
import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.Http;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The stream as the plainest client sees it: curl prints the article event with its Chinese title intact. */
@ExtendWith(VertxExtension.class)
class CurlSseSmokeTest {

  @Test
  void curlReceivesAPublishedArticleAsUtf8(Vertx vertx) throws Exception {
    try (TestNode node = TestNode.start(TestPostgres.newDatabase())) {
      Http http = new Http(vertx, node.port());
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Process curl;
      try {
        curl = new ProcessBuilder("curl", "-sN", "--max-time", "5", "http://127.0.0.1:" + node.port() + "/v1/sse?topics=**")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
      } catch (IOException e) {
        throw new AssertionError("this test runs the system curl, which could not be started: " + e.getMessage(), e);
      }
      Thread reader = new Thread(() -> copy(curl.getInputStream(), output), "curl-stdout");
      reader.start();
      try {
        Await.until(() -> text(output).contains("retry:"), () -> "curl did not get the stream's first bytes: " + text(output));

        JsonObject sample = DemoPublisher.samples().get(2);
        String title = sample.getString("title");
        long seq = Live.publish(http, sample);

        Await.until(() -> text(output).contains(title), () -> "curl's output lacks the title '" + title + "': " + text(output));
        String out = text(output);
        assertTrue(out.contains("event: article"), "curl saw an article event: " + out);
        assertTrue(out.contains("id: " + seq + "\n"), "curl saw the id line with seq " + seq + ": " + out);
        assertTrue(indexOf(bytes(output), title.getBytes(StandardCharsets.UTF_8)) >= 0, "the title arrives as UTF-8 bytes");
        String data = out.lines().filter(line -> line.startsWith("data: ")).findFirst().orElseThrow();
        JsonObject article = new JsonObject(data.substring("data: ".length()));
        assertEquals(title, article.getString("title"));
        assertEquals(sample.getJsonArray("body"), article.getJsonArray("body"), "the body paragraphs arrive intact");
      } finally {
        curl.destroy();
        curl.waitFor(5, TimeUnit.SECONDS);
        reader.join(5_000);
      }
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // curl ended
    }
  }

  private static byte[] bytes(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toByteArray();
    }
  }

  private static String text(ByteArrayOutputStream out) {
    return new String(bytes(out), StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
