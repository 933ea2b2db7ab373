package io.newspush.testing.reliability;

import io.newspush.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GET requests for polling and reading (health, metrics, history) on a plain socket, each attempt
 * bounded by a timeout and retried, so one request lost on a heavily loaded machine costs seconds
 * instead of failing a test that polls many times. Only for idempotent reads; publishing stays on
 * {@link Http}, where a lost answer must count.
 */
public final class Fetch {
  private static final int ATTEMPT_TIMEOUT_MS = 5_000;
  private static final int ATTEMPTS = 3;

  private Fetch() {}

  public record Reply(int status, Map<String, String> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public static Reply get(int port, String pathAndQuery) {
    List<String> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), ATTEMPT_TIMEOUT_MS);
        socket.setSoTimeout(ATTEMPT_TIMEOUT_MS);
        socket.getOutputStream().write(WireHttp.get(port, pathAndQuery, "Connection: close").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        WireHttp.Head head = WireHttp.readHead(in);
        byte[] body = WireHttp.readBody(in, head);
        if (attempt > 1) {
          System.out.println("GET " + pathAndQuery + " succeeded on attempt " + attempt + " after " + failures);
        }
        return new Reply(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
      } catch (IOException e) {
        failures.add(e.toString());
      }
    }
    throw new AssertionError("GET " + pathAndQuery + " failed " + ATTEMPTS + " times: " + failures);
  }
}
