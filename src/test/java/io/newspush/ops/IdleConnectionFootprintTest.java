package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Await;
import io.newspush.testing.Live;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.PrometheusText;
import io.newspush.testing.RawWebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an idle subscriber costs the server in live heap, measured in this JVM (the node runs here)
 * with clients on bare sockets, which weigh little. Server and client together keep about 3.9 KB
 * per idle connection since a stream owns its socket; on the commit before that (Vert.x's request,
 * response, routing context and connection still referenced) this test measured 10.3 KB. The
 * bound sits between the two, so it catches that coming back without depending on the exact
 * figure. Not a benchmark: RSS and CPU are measured by the benchmark tool (docs/performance.md).
 */
class IdleConnectionFootprintTest {
  private static final int EACH = 300;
  private static final long BOUND_BYTES = 8 * 1024;

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void anIdleSubscriberKeepsOnlyAFewKilobytesOfHeapOnTheServer() {
    connectAndClose(20);
    long before = liveHeap();
    List<AutoCloseable> clients = new ArrayList<>();
    try {
      for (int i = 0; i < EACH; i++) {
        clients.add(RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("footprint/ws/" + i)));
        clients.add(openSse("footprint/sse/" + i));
      }
      Await.until(() -> connections() == 2 * EACH, () -> "the node to count " + 2 * EACH + " connections, it has " + connections());
      long perConnection = (liveHeap() - before) / (2 * EACH);
      System.out.println("live heap per idle connection (server and bare-socket client): " + perConnection + " bytes");
      assertTrue(perConnection < BOUND_BYTES, "an idle connection costs " + perConnection
          + " bytes of live heap (server and a bare-socket client together); more than " + BOUND_BYTES
          + " means the server keeps per-connection objects it should have let go");
    } finally {
      clients.forEach(IdleConnectionFootprintTest::closeQuietly);
    }
  }

  private static void connectAndClose(int count) {
    for (int i = 0; i < count; i++) {
      closeQuietly(RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("footprint/warm")));
      closeQuietly(openSse("footprint/warm"));
    }
    Await.until(() -> connections() == 0, () -> "the warm-up connections to close, " + connections() + " left");
  }

  /** An SSE request on a bare socket; returns once the response head has arrived. */
  private static Socket openSse(String topic) {
    try {
      Socket socket = new Socket("127.0.0.1", node.port());
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v1/sse?" + Live.topics(topic) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < end.length) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the SSE stream closed before its head");
        }
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double connections() {
    return PrometheusText.sum(PrometheusText.parse(node.http().get("/metrics").body().toString()), "newspush_connections");
  }

  /** Heap in use after full collections: with nothing else going on, the live objects. */
  private static long liveHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void closeQuietly(AutoCloseable client) {
    try {
      client.close();
    } catch (Exception e) {
      // already gone
    }
  }
}
