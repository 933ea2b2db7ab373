package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.NodeExtension;
import io.newspush.testing.Await;
import io.newspush.testing.History;
import io.newspush.testing.Live;
import io.newspush.testing.Http;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients resume from a seq in the middle of a burst of concurrent publishes, so the hand-over from
 * replayed to live articles happens while articles keep arriving: each must still see every article
 * after its seq exactly once, in order, without a gap.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandOverRaceTest {
  private static final int PUBLISHERS = 6;
  private static final int PER_PUBLISHER = 50;
  private static final int CLIENTS = 12;

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  /** A client that resumed during the burst: how, from where, and what it has received so far. */
  private record Resumer(String description, long since, String onlyTopic, Supplier<List<Long>> seqs,
                         Supplier<Map<Long, String>> rawBySeq, BooleanSupplier cut, Supplier<String> state,
                         AutoCloseable connection) {}

  @Test
  void clientsResumingDuringABurstSeeEveryLaterArticleOnceInOrder(Vertx vertx) throws Exception {
    burstWithResumingClients(vertx);
  }

  /**
   * Articles that become visible many at a time (a CMS committing a batch) while clients resume, on
   * a node with a small send queue (2 articles, a legal setting). The server may end a stream as a
   * slow consumer (the client then resumes), but it must never skip an article: while a replay page
   * is being read, live articles are held back, and none of them may be lost.
   */
  @Test
  void batchesCommittedWhileClientsResumeAreNeverSkipped(Vertx vertx) throws Exception {
    String url = TestPostgres.newDatabase();
    try (TestNode small = TestNode.start(url, Map.of("NEWSPUSH_LIMITS_QUEUE_ARTICLES", "2"))) {
      Http smallHttp = new Http(vertx, small.port());
      Pool cms = TestPostgres.pool(vertx, url);
      Await.result(cms.query("INSERT INTO articles (topic, title) SELECT 'cms/' || (CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END),"
          + " '存量稿件 ' || g FROM generate_series(1, 300) g").execute());
      Await.until(() -> History.raw(smallHttp, "**", 0).size() >= 300, () -> "the 300 stored articles were not sequenced");

      // a CMS commits batches of 12 rows, one transaction each, for as long as clients are resuming
      String batch = "INSERT INTO articles (topic, title) SELECT 'cms/' || (CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END),"
          + " '批量快讯 ' || g FROM generate_series(1, 12) g";
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong batches = new AtomicLong();
      Thread writer = new Thread(() -> {
        while (writing.get() && batches.get() < 300) {
          Await.result(cms.query(batch).execute());
          batches.incrementAndGet();
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "cms-writer");
      writer.start();

      List<Resumer> resumers = new ArrayList<>();
      Random random = new Random(7);
      try {
        for (int i = 0; i < 24; i++) {
          long head = Await.result(cms.query("SELECT coalesce(max(seq), 0) FROM articles").execute()).iterator().next().getLong(0);
          resumers.add(resume(vertx, small, i, Math.max(0, head - 50 - random.nextInt(300)), "cms/a", "cms/b"));
          Thread.sleep(20);
        }
      } finally {
        writing.set(false);
        writer.join(30_000);
      }
      System.out.printf("%d batches of 12 committed while %d clients resumed%n", batches.get(), resumers.size());
      long total = 300 + 12L * batches.get();
      Await.until(() -> History.raw(smallHttp, "**", 0).size() == total, () -> "not all " + total + " rows were sequenced");
      checkResumers(resumers, History.raw(smallHttp, "**", 0), true);
      Await.result(cms.close());
    }
  }

  private void burstWithResumingClients(Vertx vertx) throws Exception {
    // some history before the burst, so the first clients can start inside it
    for (int i = 0; i < 30; i++) {
      Live.publish(node.http(), Live.sample(i, i % 2 == 0 ? "burst/a" : "burst/b").put("title", "预热 " + i));
    }
    AtomicLong newest = new AtomicLong(History.head(node.http()));
    long started = System.nanoTime();

    ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
    List<Future<?>> publishers = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      int publisher = p;
      publishers.add(pool.submit(() -> {
        Http own = new Http(vertx, node.port());
        for (int i = 0; i < PER_PUBLISHER; i++) {
          String topic = (publisher + i) % 2 == 0 ? "burst/a" : "burst/b";
          long seq = Live.publish(own, Live.sample(i, topic).put("title", "快讯 " + publisher + "-" + i));
          newest.accumulateAndGet(seq, Math::max);
        }
        return null;
      }));
    }

    List<Resumer> resumers = new ArrayList<>();
    Random random = new Random(20240611);
    while (resumers.size() < CLIENTS && publishers.stream().anyMatch(f -> !f.isDone())) {
      long since = Math.max(0, newest.get() - random.nextInt(40));
      resumers.add(resume(vertx, node.node(), resumers.size(), since, "burst/a", "burst/b"));
      Thread.sleep(10);
    }
    for (Future<?> publisher : publishers) {
      publisher.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    System.out.printf("burst of %d articles took %d ms; %d clients resumed during it%n",
        PUBLISHERS * PER_PUBLISHER, (System.nanoTime() - started) / 1_000_000, resumers.size());
    assertTrue(resumers.size() >= 4, "the burst ended before enough clients could resume inside it: " + resumers.size());
    long head = newest.get();
    assertTrue(resumers.stream().anyMatch(r -> r.since() < head - 100),
        "at least one client resumed well before the end of the burst");

    LinkedHashMap<Long, String> history = History.raw(node.http(), "**", 0);
    assertEquals(30 + PUBLISHERS * PER_PUBLISHER, history.size(), "history holds every published article");

    checkResumers(resumers, history, false);
    System.out.printf("all clients checked %d ms after the burst started%n", (System.nanoTime() - started) / 1_000_000);
  }

  /** Resumes after {@code since} in one of four ways, chosen by {@code index}. */
  private static Resumer resume(Vertx vertx, TestNode node, int index, long since, String topicA, String topicB) {
    switch (index % 4) {
      case 0 -> {
        SseClient sse = SseClient.connect(vertx, node.port(), Live.sse("**") + "&since=" + since);
        return new Resumer("SSE ** since=" + since, since, null, sse::seqs, () -> sseRaw(sse), sse::ended,
            () -> sseState(sse), sse);
      }
      case 1 -> {
        WsClient ws = WsClient.connect(vertx, node.port(), Live.ws("**") + "&since=" + since);
        return new Resumer("WebSocket ?since=" + since, since, null, ws::seqs, () -> wsRaw(ws), ws::closed,
            () -> wsState(ws), ws);
      }
      case 2 -> {
        SseClient sse = SseClient.connect(vertx, node.port(), Live.sse(topicA), Map.of("Last-Event-ID", Long.toString(since)));
        return new Resumer("SSE " + topicA + " Last-Event-ID " + since, since, topicA, sse::seqs, () -> sseRaw(sse),
            sse::ended, () -> sseState(sse), sse);
      }
      default -> {
        WsClient ws = WsClient.connect(vertx, node.port(), "/v1/ws");
        ws.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add(topicB)).put("since", since));
        return new Resumer("WebSocket subscribe " + topicB + " since=" + since, since, topicB, ws::seqs,
            () -> wsRaw(ws), ws::closed, () -> wsState(ws), ws);
      }
    }
  }

  /**
   * Each client must have every article after its seq that its pattern matches, once and in order;
   * one that the server ended as a slow consumer (when allowed) must have a gap-free beginning of that.
   */
  private static void checkResumers(List<Resumer> resumers, LinkedHashMap<Long, String> history,
                                    boolean slowConsumersMayBeCut) throws Exception {
    int cut = 0;
    for (Resumer r : resumers) {
      List<Long> expected = new ArrayList<>();
      history.forEach((seq, raw) -> {
        if (seq > r.since() && (r.onlyTopic() == null || new JsonObject(raw).getString("topic").equals(r.onlyTopic()))) {
          expected.add(seq);
        }
      });
      long last = expected.get(expected.size() - 1);
      Await.until(() -> r.seqs().get().contains(last) || r.seqs().get().size() >= expected.size()
              || (slowConsumersMayBeCut && r.cut().getAsBoolean()),
          () -> r.description() + " stopped at " + r.seqs().get().size() + " of " + expected.size()
              + " articles; missing " + missing(expected, r.seqs().get()) + "; " + r.state().get());
      List<Long> got = r.seqs().get();
      if (slowConsumersMayBeCut && r.cut().getAsBoolean() && got.size() < expected.size()) {
        cut++;
        assertEquals(expected.subList(0, got.size()), got, () -> r.description() + " was ended as a slow consumer, but"
            + " what it received before must be every article after " + r.since() + " once and in order; missing "
            + missing(expected.subList(0, got.size()), got) + ", duplicated " + duplicates(got)
            + ", first out of order at index " + firstDisorder(got) + "; " + r.state().get());
      } else {
        assertEquals(expected, got, () -> r.description() + ": every article after " + r.since()
            + " exactly once and in order; missing " + missing(expected, got) + ", unexpected " + missing(got, expected)
            + ", duplicated "
            + duplicates(got) + ", first out of order at index " + firstDisorder(got) + "; " + r.state().get());
      }
      Map<Long, String> raw = r.rawBySeq().get();
      for (Map.Entry<Long, String> e : raw.entrySet()) {
        assertArrayEquals(history.get(e.getKey()).getBytes(StandardCharsets.UTF_8), e.getValue().getBytes(StandardCharsets.UTF_8),
            () -> r.description() + ": article " + e.getKey() + " differs from history");
      }
    }
    System.out.printf("%d of %d clients were ended as slow consumers%n", cut, resumers.size());
    for (Resumer r : resumers) {
      r.connection().close();
    }
  }

  private static String sseState(SseClient sse) {
    List<String> other = sse.events().stream().filter(e -> !e.event().equals("article")).map(Object::toString).toList();
    return "SSE status " + sse.status() + ", ended " + sse.ended() + ", other events " + other;
  }

  private static String wsState(WsClient ws) {
    List<JsonObject> other = ws.messages().stream()
        .filter(m -> !m.getString("type").equals("article") && !m.getString("type").equals("subscribed")).toList();
    return "WebSocket closed " + ws.closed() + " (" + ws.closeStatus() + " " + ws.closeReason() + "), other messages " + other;
  }

  private static Map<Long, String> sseRaw(SseClient sse) {
    Map<Long, String> raw = new LinkedHashMap<>();
    for (SseClient.Event event : sse.events()) {
      raw.put(new JsonObject(event.data()).getLong("seq"), event.data());
    }
    return raw;
  }

  private static Map<Long, String> wsRaw(WsClient ws) {
    Map<Long, String> raw = new LinkedHashMap<>();
    for (String article : ws.rawArticles()) {
      raw.put(new JsonObject(article).getLong("seq"), article);
    }
    return raw;
  }

  private static List<Long> missing(List<Long> expected, List<Long> got) {
    List<Long> missing = new ArrayList<>(expected);
    missing.removeAll(got);
    return missing.size() > 20 ? missing.subList(0, 20) : missing;
  }

  private static List<Long> duplicates(List<Long> got) {
    List<Long> seen = new ArrayList<>();
    List<Long> duplicates = new ArrayList<>();
    for (Long seq : got) {
      if (seen.contains(seq)) {
        duplicates.add(seq);
      }
      seen.add(seq);
    }
    return duplicates;
  }

  private static int firstDisorder(List<Long> got) {
    for (int i = 1; i < got.size(); i++) {
      if (got.get(i) <= got.get(i - 1)) {
        return i;
      }
    }
    return -1;
  }
}
