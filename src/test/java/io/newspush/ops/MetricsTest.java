package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.PrometheusText;
import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics} on a real node: counts that match what subscribers received, in valid Prometheus text. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
  private static final int ARTICLES = 12;
  private static final int SSE_SUBSCRIBERS = 3;
  private static final int WS_SUBSCRIBERS = 2;
  private static final int GATEWAYS = 2;
  private static final Map<String, String> SSE = Map.of("transport", "sse");
  private static final Map<String, String> WS = Map.of("transport", "ws");

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("NEWSPUSH_HTTP_GATEWAYS", Integer.toString(GATEWAYS)));

  @Test
  void deliveriesAndConnectionsMatchWhatSubscribersSee(Vertx vertx) {
    List<PrometheusText.Sample> before = scrape();
    List<SseClient> sse = new ArrayList<>();
    List<WsClient> ws = new ArrayList<>();
    for (int i = 0; i < SSE_SUBSCRIBERS; i++) {
      sse.add(SseClient.connect(vertx, node.port(), Live.sse("metrics/**")));
    }
    for (int i = 0; i < WS_SUBSCRIBERS; i++) {
      WsClient session = WsClient.connect(vertx, node.port(), Live.ws("metrics/**"));
      session.awaitMessage("subscribed");
      ws.add(session);
    }

    List<PrometheusText.Sample> open = scrape();
    assertEquals(SSE_SUBSCRIBERS, PrometheusText.value(open, "newspush_connections", SSE));
    assertEquals(WS_SUBSCRIBERS, PrometheusText.value(open, "newspush_connections", WS));
    assertEquals(SSE_SUBSCRIBERS + WS_SUBSCRIBERS, PrometheusText.sum(open, "newspush_subscribed_patterns"));

    long lastSeq = 0;
    for (int i = 0; i < ARTICLES; i++) {
      lastSeq = Live.publish(node.http(), Live.article("metrics/count", "article " + i));
    }
    sse.forEach(client -> client.awaitArticles(ARTICLES));
    ws.forEach(session -> session.awaitArticles(ARTICLES));

    int subscribers = SSE_SUBSCRIBERS + WS_SUBSCRIBERS;
    // Deliveries are counted once the article's fan-out on a gateway is done.
    List<PrometheusText.Sample> after = awaitScrape(
        now -> PrometheusText.delta(before, now, "newspush_deliveries_total") >= ARTICLES * subscribers,
        "deliveries to reach " + ARTICLES * subscribers);
    assertEquals(ARTICLES * subscribers, PrometheusText.delta(before, after, "newspush_deliveries_total"), "sum over transports");
    assertEquals(ARTICLES * SSE_SUBSCRIBERS, PrometheusText.value(after, "newspush_deliveries_total", SSE)
        - PrometheusText.value(before, "newspush_deliveries_total", SSE));
    assertEquals(ARTICLES * WS_SUBSCRIBERS, PrometheusText.value(after, "newspush_deliveries_total", WS)
        - PrometheusText.value(before, "newspush_deliveries_total", WS));
    long fanOuts = (long) PrometheusText.delta(before, after, "newspush_delivery_latency_seconds_count");
    assertTrue(fanOuts >= ARTICLES && fanOuts <= (long) ARTICLES * GATEWAYS,
        "one latency observation per article per gateway that had subscribers for it: between " + ARTICLES
            + " and " + ARTICLES * GATEWAYS + ", got " + fanOuts);
    assertEquals(ARTICLES, PrometheusText.delta(before, after, "newspush_feed_articles_total"));
    assertEquals(lastSeq, PrometheusText.sum(after, "newspush_feed_head_seq"));
    assertEquals(0, PrometheusText.sum(after, "newspush_slow_consumer_closes_total"));

    sse.forEach(SseClient::close);
    ws.forEach(WsClient::close);
    List<PrometheusText.Sample> closed = awaitScrape(
        now -> PrometheusText.sum(now, "newspush_connections") == 0, "connections to drop to 0");
    assertEquals(0, PrometheusText.sum(closed, "newspush_subscribed_patterns"));
    assertEquals(ARTICLES * subscribers, PrometheusText.delta(before, closed, "newspush_deliveries_total"), "nothing counted twice");
  }

  @Test
  void scrapeIsValidPrometheusTextWithEveryDocumentedMetric(Vertx vertx) {
    // A refused WebSocket origin creates the lazily registered limit counter.
    WebSocketClient client = vertx.createWebSocketClient();
    Throwable refused = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(node.port()).setURI(Live.ws("**")).addHeader("Origin", "https://elsewhere.example"))
        .map(socket -> (Throwable) null).otherwise(failure -> failure));
    client.close();
    assertTrue(refused instanceof UpgradeRejectedException, "the foreign origin was refused: " + refused);

    Http.Reply reply = node.http().get("/metrics");
    assertEquals(200, reply.status());
    assertTrue(reply.headers().get("Content-Type").startsWith("text/plain; version=0.0.4"), reply.headers().toString());
    List<PrometheusText.Sample> samples = PrometheusText.parse(reply.body().toString(StandardCharsets.UTF_8));

    assertEquals(1, PrometheusText.value(samples, "newspush_limit_rejections_total", Map.of("kind", "origin")));
    // The README's Operations section lists these; a rename must update it.
    for (String name : List.of("newspush_connections", "newspush_deliveries_total",
        "newspush_delivery_latency_seconds_bucket", "newspush_delivery_latency_seconds_count",
        "newspush_delivery_latency_seconds_sum", "newspush_delivery_latency_seconds_max",
        "newspush_slow_consumer_closes_total", "newspush_limit_rejections_total", "newspush_subscribed_patterns",
        "newspush_feed_articles_total", "newspush_feed_articles_from_notifications_total",
        "newspush_feed_head_seq", "newspush_feed_lag_articles",
        "newspush_db_reconnects_total", "jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
        "jvm_threads_live_threads", "process_cpu_usage", "system_cpu_usage")) {
      assertTrue(samples.stream().anyMatch(s -> s.name().equals(name)), "missing metric " + name);
    }
    List<PrometheusText.Sample> buckets = samples.stream()
        .filter(s -> s.name().equals("newspush_delivery_latency_seconds_bucket")).toList();
    assertEquals("+Inf", buckets.get(buckets.size() - 1).labels().get("le"), "the last bucket is +Inf");
    assertEquals(PrometheusText.sum(samples, "newspush_delivery_latency_seconds_count"),
        buckets.get(buckets.size() - 1).value(), "the +Inf bucket holds every observation");
  }

  @Test
  void validatorRejectsMalformedExpositions() {
    for (String bad : List.of(
        "# TYPE a counter\na 1",
        "a 1\n",
        "# TYPE a gauge\na{l=\"x\"\n",
        "# TYPE a counter\n# TYPE a counter\na 1\n",
        "# TYPE a gauge\na{l=\"x} 1\n",
        "# TYPE a gauge\na{l=\"\\x\"} 1\n",
        "# TYPE a gauge\na{0l=\"x\"} 1\n",
        "# TYPE a gauge\na{l=x} 1\n",
        "# TYPE a gauge\na 1.0d\n",
        "# TYPE a gauge\na 1 2 3\n",
        "# TYPE a gauge\na 1\na 2\n",
        "# TYPE 1a gauge\n1a 1\n")) {
      boolean rejected;
      try {
        PrometheusText.parse(bad);
        rejected = false;
      } catch (AssertionError expected) {
        rejected = true;
      }
      assertTrue(rejected, "accepted invalid exposition: " + bad);
    }
    List<PrometheusText.Sample> good = PrometheusText.parse(
        "# HELP h a \\\\ help\\n\n# TYPE h histogram\nh_bucket{le=\"+Inf\",q=\"a\\\"b\\\\c\\nd\",} 2\nh_count 2 1700000000000\nh_sum NaN\n");
    assertEquals("a\"b\\c\nd", good.get(0).labels().get("q"));
  }

  private List<PrometheusText.Sample> scrape() {
    Http.Reply reply = node.http().get("/metrics");
    assertEquals(200, reply.status(), reply.toString());
    return PrometheusText.parse(reply.body().toString(StandardCharsets.UTF_8));
  }

  private List<PrometheusText.Sample> awaitScrape(Predicate<List<PrometheusText.Sample>> condition, String what) {
    List<List<PrometheusText.Sample>> last = new ArrayList<>(List.of(List.of()));
    Await.until(() -> {
      last.set(0, scrape());
      return condition.test(last.get(0));
    }, () -> "waited for " + what + "; last scrape " + last.get(0));
    return last.get(0);
  }

}
