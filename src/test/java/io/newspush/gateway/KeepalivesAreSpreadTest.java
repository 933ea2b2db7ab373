package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Live;
import io.newspush.testing.RawWebSocket;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections that all opened at once are not all pinged at once: each gets its ping once per
 * interval, but at its own moment in it, so keep-alive traffic never comes as one burst as large
 * as an article to every subscriber.
 */
class KeepalivesAreSpreadTest {
  private static final int CONNECTIONS = 24;
  private static final long INTERVAL_MILLIS = 2_000;

  @Test
  @Timeout(60)
  void connectionsOpenedTogetherArePingedAtDifferentMomentsOfTheInterval() {
    // One gateway: two would each keep their own timer, whose phases could spread pings by chance.
    try (TestNode node = TestNode.start(TestPostgres.newDatabase(), Map.of(
        "NEWSPUSH_WS_PING_SECONDS", Long.toString(INTERVAL_MILLIS / 1000), "NEWSPUSH_HTTP_GATEWAYS", "1"))) {
      List<RawWebSocket> sockets = new ArrayList<>();
      // One reader per socket: they must all listen through the same interval.
      ExecutorService readers = Executors.newFixedThreadPool(CONNECTIONS);
      try {
        for (int i = 0; i < CONNECTIONS; i++) {
          sockets.add(RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("keepalive/spread")));
        }
        List<CompletableFuture<Long>> firstPings = sockets.stream()
            .map(ws -> CompletableFuture.supplyAsync(() -> firstPingNanos(ws), readers)).toList();
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (CompletableFuture<Long> firstPing : firstPings) {
          long at = firstPing.join();
          assertTrue(at >= 0, "every connection is pinged within an interval and a half of "
              + INTERVAL_MILLIS + " ms");
          earliest = Math.min(earliest, at);
          latest = Math.max(latest, at);
        }
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(latest - earliest);
        // 24 connections over 16 slices of the interval: all within a quarter of it would take
        // identity hashes that agree by a chance of about 1 in 10^13.
        assertTrue(spreadMillis >= INTERVAL_MILLIS / 4,
            "the first pings of " + CONNECTIONS + " connections opened together came within " + spreadMillis
                + " ms of each other; they should be spread over the " + INTERVAL_MILLIS + " ms interval");
      } finally {
        readers.shutdownNow();
        sockets.forEach(RawWebSocket::close);
      }
    }
  }

  /** When the first ping frame arrived, or -1 if none did within an interval and a half. */
  private static long firstPingNanos(RawWebSocket ws) {
    return ws.readUntilClosed(INTERVAL_MILLIS * 3 / 2).stream()
        .filter(frame -> frame.opcode() == RawWebSocket.PING)
        .mapToLong(RawWebSocket.Frame::atNanos)
        .findFirst().orElse(-1);
  }
}
