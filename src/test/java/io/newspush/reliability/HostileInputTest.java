package io.newspush.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.newspush.testing.Await;
import io.newspush.testing.Http;
import io.newspush.testing.Live;
import io.newspush.testing.SseClient;
import io.newspush.testing.TestNode;
import io.newspush.testing.TestPostgres;
import io.newspush.testing.WsClient;
import io.newspush.testing.reliability.Feeds;
import io.newspush.testing.reliability.Fetch;
import io.newspush.testing.reliability.Scrape;
import io.newspush.testing.reliability.WireHttp;
import io.newspush.testing.reliability.WireWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile or broken clients, one row each: what they do, and the exact answer the protocol promises
 * (an error code on an open connection, a close code, or a JSON HTTP error). After every row a
 * well-behaved SSE client and WebSocket client connected alongside still receive the next article,
 * and the feed they have is still exactly the stored one.
 *
 * <p>Each action returns what it observed as one line of text, compared with the expected line, so
 * a failure reads "expected: close 1009 but was: EOF without a close frame".
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  /** ws.max_message_bytes for this node: large enough that the 5,000-pattern subscribe (about 20 KB) is read and refused. */
  private static final int MAX_MESSAGE = 32 * 1024;
  private static final Duration ANSWER = Duration.ofSeconds(3);
  private static final String OPEN = ", connection stays open";

  private TestNode node;
  private Http http;
  private SseClient goodSse;
  private WsClient goodWs;
  private final List<Socket> halfOpen = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void start(Vertx vertx) {
    node = TestNode.start(TestPostgres.newDatabase(), Map.of("NEWSPUSH_WS_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE)));
    http = new Http(vertx, node.port());
    goodSse = SseClient.connect(vertx, node.port(), Live.sse("hostile/**"));
    goodWs = Feeds.subscribedWs(vertx, node.port(), null, "hostile/**");
  }

  @AfterAll
  void stop() throws IOException {
    for (Socket socket : halfOpen) {
      socket.close();
    }
    goodSse.close();
    goodWs.close();
    node.close();
  }

  Stream<Arguments> rows() {
    String tooDeep = "[".repeat(10_000) + "]".repeat(10_000);
    String hugeSeq = "99999999999999999999";
    String fiveThousandPatterns = String.join(",", Collections.nCopies(5_000, "a"));
    JsonArray fiveThousand = new JsonArray(new ArrayList<>(Collections.nCopies(5_000, "a")));
    String oversized = "{\"op\":\"ping\",\"pad\":\"" + "x".repeat(MAX_MESSAGE + 8 * 1024) + "\"}";
    String hugeFrame = "{\"op\":\"ping\",\"pad\":\"" + "x".repeat(4 * MAX_MESSAGE) + "\"}";
    return Stream.of(
        row("invalid UTF-8 in a WebSocket text frame (RFC 6455 8.1)",
            () -> wsAnswer(WireWebSocket.frame(WireWebSocket.TEXT, invalidUtf8Ping(), true)),
            "close 1007"),
        row("malformed JSON message",
            () -> wsAnswer(WireWebSocket.textFrame("{\"op\":\"subscribe\",\"topics\":[")),
            "error invalid_json" + OPEN),
        row("JSON nested 10,000 levels deep",
            () -> wsAnswer(WireWebSocket.textFrame(tooDeep)),
            "error invalid_json" + OPEN),
        row("JSON object nested 10,000 levels inside a ping",
            () -> wsAnswer(WireWebSocket.textFrame("{\"op\":\"ping\",\"x\":" + tooDeep + "}")),
            "error invalid_json" + OPEN),
        row("SSE since=" + hugeSeq,
            () -> httpAnswer(Live.sse("hostile/**") + "&since=" + hugeSeq),
            "HTTP 400 invalid_since"),
        row("SSE Last-Event-ID: " + hugeSeq,
            () -> httpAnswer(Live.sse("hostile/**"), "Last-Event-ID: " + hugeSeq),
            "HTTP 400 invalid_since"),
        row("WebSocket upgrade with since=" + hugeSeq,
            () -> wsUpgradeAnswer(Live.ws("hostile/**") + "&since=" + hugeSeq),
            "HTTP 400 invalid_since"),
        row("WebSocket subscribe with since " + hugeSeq,
            () -> wsAnswer(WireWebSocket.textFrame("{\"op\":\"subscribe\",\"topics\":[\"hostile/**\"],\"since\":" + hugeSeq + "}")),
            "error invalid_since" + OPEN),
        row("SSE with 5,000 patterns",
            () -> quickly(() -> httpAnswer("/v1/sse?topics=" + fiveThousandPatterns)),
            "HTTP 400 too_many_patterns"),
        row("SSE with 64 long Chinese patterns (at the limit: a legitimate request of about 10 KB)",
            () -> streamStart(Live.sse(longChinesePatterns(64))),
            "HTTP 200 text/event-stream"),
        row("WebSocket subscribe with 5,000 patterns",
            () -> quickly(() -> wsAnswer(WireWebSocket.textFrame(new JsonObject().put("op", "subscribe").put("topics", fiveThousand).encode()))),
            "error too_many_patterns" + OPEN),
        row("unknown op",
            () -> wsAnswer(WireWebSocket.textFrame("{\"op\":\"format_disk\"}")),
            "error unknown_op" + OPEN),
        row("binary frame",
            () -> wsAnswer(WireWebSocket.frame(WireWebSocket.BINARY, new byte[] {0x00, 0x01, (byte) 0xff}, true)),
            "error unsupported_frame" + OPEN),
        row("WebSocket message over ws.max_message_bytes in one frame (40 KiB > 32 KiB)",
            () -> wsAnswer(WireWebSocket.textFrame(oversized)),
            "close 1009"),
        row("WebSocket frame of 4 x ws.max_message_bytes (128 KiB in one frame)",
            () -> wsAnswer(WireWebSocket.textFrame(hugeFrame)),
            "close 1009"),
        row("WebSocket message over ws.max_message_bytes in 8 KiB fragments",
            () -> wsAnswer(fragmented(oversized, 8 * 1024)),
            "close 1009"),
        row("flood of 300 messages in one burst (limit 20/s, bursts of 40)",
            this::flood,
            "error rate_limited, then close 1008 'too many messages'"),
        row("half-open connections: half an HTTP request (SSE, WebSocket upgrade) or half a frame, then silence",
            this::halfOpenConnections,
            "unaffected"),
        row("500 connect+disconnect cycles (SSE and WebSocket, orderly and reset)",
            this::connectionChurn,
            "unaffected"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void hostileClientGetsItsAnswerAndNobodyElseNotices(String name, Callable<String> action, String expected) throws Exception {
    String observed = action.call();

    // The well-behaved clients alongside: still connected, still receiving, nothing lost or doubled.
    long seq = Feeds.publish(http, Feeds.article("hostile/after", "after: " + name));
    Await.until(() -> goodSse.seqs().contains(seq) && goodWs.seqs().contains(seq),
        () -> "after '" + name + "' the well-behaved clients did not get seq " + seq + " (SSE has " + goodSse.seqs()
            + ", WebSocket " + goodWs.seqs() + ")");
    assertFalse(goodSse.ended(), "the well-behaved SSE client's stream ended during '" + name + "'");
    assertFalse(goodWs.closed(), "the well-behaved WebSocket client was closed during '" + name + "'");
    List<Long> stored = Feeds.seqs(Feeds.history(node.port(), "hostile/**"));
    Feeds.assertSameSeqs(stored, goodSse.seqs(), "the well-behaved SSE client has exactly the stored feed");
    Feeds.assertSameSeqs(stored, goodWs.seqs(), "the well-behaved WebSocket client has exactly the stored feed");

    assertEquals(expected, observed, name);
  }

  private static Arguments row(String name, Callable<String> action, String expected) {
    return Arguments.of(name, action, expected);
  }

  // ---- actions: each returns what the server did, in the words of the expected column ----

  /** Opens a WebSocket, writes {@code bytes}, and describes the server's first answer. */
  private String wsAnswer(byte[] bytes) {
    try (WireWebSocket ws = WireWebSocket.open(node.port(), "/v1/ws")) {
      if (ws.status() != 101) {
        return "upgrade refused: HTTP " + ws.status();
      }
      // The server may hang up before a huge frame is fully written; what it sent is still read.
      boolean written = ws.tryWrite(bytes);
      String answer = describe(ws, ws.nextOrSilence(ANSWER));
      if (!written && !answer.startsWith("close ")) {
        answer += " (it hung up while the message was being written)";
      }
      if (!answer.startsWith("error ")) {
        return answer;
      }
      ws.sendText("{\"op\":\"ping\"}");
      String next = describe(ws, ws.nextOrSilence(ANSWER));
      return next.equals("answered {\"type\":\"pong\"}") ? answer + OPEN : answer + ", then " + next;
    }
  }

  private static String describe(WireWebSocket ws, WireWebSocket.Frame frame) {
    if (frame == null) {
      return "EOF without a close frame";
    }
    if (frame == WireWebSocket.RESET) {
      return "connection reset without a close frame";
    }
    if (frame == WireWebSocket.SILENCE) {
      return "no answer within " + ANSWER.toSeconds() + " s (message silently dropped)";
    }
    if (frame.opcode() == WireWebSocket.CLOSE) {
      return "close " + frame.closeCode();
    }
    if (frame.opcode() == WireWebSocket.TEXT) {
      JsonObject message = new JsonObject(frame.text());
      if ("error".equals(message.getString("type"))) {
        return "error " + message.getString("code");
      }
      return "answered " + frame.text();
    }
    return "frame with opcode " + frame.opcode();
  }

  /** A GET on a raw socket; describes the status and, for JSON errors, the error code. */
  private String httpAnswer(String pathAndQuery, String... headerLines) throws IOException {
    try (Socket socket = WireHttp.send(node.port(), WireHttp.get(node.port(), pathAndQuery, headerLines), 0)) {
      WireHttp.Stream answer = WireHttp.readToEnd(socket, Duration.ofSeconds(5));
      return describe(answer.head(), answer.body());
    } catch (AssertionError stillStreaming) {
      return "a stream was started (" + stillStreaming.getMessage() + ")";
    }
  }

  /** A GET whose answer should be a stream: describes the status and Content-Type, then hangs up. */
  private String streamStart(String pathAndQuery) throws IOException {
    try (Socket socket = WireHttp.send(node.port(), WireHttp.get(node.port(), pathAndQuery, "Accept: text/event-stream"), 0)) {
      socket.setSoTimeout(5_000);
      WireHttp.Head head = WireHttp.readHead(socket.getInputStream());
      String type = head.headers().getOrDefault("Content-Type", "");
      if (head.status() == 200 && type.startsWith("text/event-stream")) {
        return "HTTP 200 text/event-stream";
      }
      return describe(head, WireHttp.readBody(socket.getInputStream(), head));
    }
  }

  private static String[] longChinesePatterns(int count) {
    String[] patterns = new String[count];
    for (int i = 0; i < count; i++) {
      patterns[i] = "义乌/产业集群/新能源汽车/第" + i + "号专题/**";
    }
    return patterns;
  }

  private String wsUpgradeAnswer(String pathAndQuery) {
    try (WireWebSocket ws = WireWebSocket.open(node.port(), pathAndQuery)) {
      if (ws.status() == 101) {
        return "upgraded (101)";
      }
      return describe(new WireHttp.Head(ws.status(), ws.headers()), ws.refusalBody().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String describe(WireHttp.Head head, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    String type = head.headers().getOrDefault("Content-Type", "");
    if (type.startsWith("application/json")) {
      try {
        return "HTTP " + head.status() + " " + new JsonObject(text).getString("error");
      } catch (RuntimeException e) {
        return "HTTP " + head.status() + " with a broken JSON body '" + text + "'";
      }
    }
    return "HTTP " + head.status() + " (" + (type.isEmpty() ? "no Content-Type" : type) + ", body '"
        + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "')";
  }

  /** Runs the action and fails it if the server took longer than two seconds to answer. */
  private static String quickly(Callable<String> action) throws Exception {
    long start = System.nanoTime();
    String answer = action.call();
    long ms = (System.nanoTime() - start) / 1_000_000;
    return ms <= 2_000 ? answer : answer + " (but only after " + ms + " ms)";
  }

  private static byte[] fragmented(String text, int size) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int offset = 0; offset < bytes.length; offset += size) {
      int end = Math.min(bytes.length, offset + size);
      byte[] part = java.util.Arrays.copyOfRange(bytes, offset, end);
      frames.writeBytes(WireWebSocket.frame(offset == 0 ? WireWebSocket.TEXT : WireWebSocket.CONTINUATION, part, end == bytes.length));
    }
    return frames.toByteArray();
  }

  /** A ping op whose padding holds bytes that are not UTF-8 (0xC3 0x28: a lead byte without its continuation, and 0xFF). */
  private static byte[] invalidUtf8Ping() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"op\":\"ping\",\"pad\":\"".getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(new byte[] {(byte) 0xc3, 0x28, (byte) 0xff});
    bytes.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
    return bytes.toByteArray();
  }

  /** 300 ping ops in one TCP write, then more if the server has not closed yet. */
  private String flood() {
    try (WireWebSocket ws = WireWebSocket.open(node.port(), "/v1/ws")) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < 300; i++) {
        burst.writeBytes(WireWebSocket.textFrame("{\"op\":\"ping\"}"));
      }
      ws.write(burst.toByteArray());
      WireWebSocket.Drained drained = ws.drain(Duration.ofSeconds(10));
      List<String> errors = new ArrayList<>();
      int pongs = 0;
      for (String text : drained.texts()) {
        JsonObject message = new JsonObject(text);
        if ("error".equals(message.getString("type"))) {
          errors.add(message.getString("code"));
        } else if ("pong".equals(message.getString("type"))) {
          pongs++;
        }
      }
      String ending = drained.ending().closeFrame()
          ? "close " + drained.ending().closeCode() + " '" + drained.ending().closeReason() + "'"
          : drained.ending().toString();
      if (pongs > 60) {
        return pongs + " of 300 pings answered (the limit allows about 40), errors " + errors + ", then " + ending;
      }
      // Each run of refused messages is reported once; on a loaded machine a token may refill mid-burst
      // and start a second run, so the same code may come more than once. Only distinct codes count.
      return (errors.isEmpty() ? "no error" : "error " + String.join(", error ", new java.util.LinkedHashSet<>(errors)))
          + ", then " + ending;
    } catch (AssertionError stillOpen) {
      return "still open after the flood: " + stillOpen.getMessage();
    }
  }

  /** Sockets that send half a request (or, once upgraded, half a frame) and then nothing; kept open to the end of the class. */
  private String halfOpenConnections() {
    long sseBefore = Scrape.connections(node.port(), "sse");
    long wsBefore = Scrape.connections(node.port(), "ws");
    for (int i = 0; i < 20; i++) {
      halfOpen.add(WireHttp.send(node.port(), "GET /v1/sse?topics=hostile%2F** HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/ev", 0));
      halfOpen.add(WireHttp.send(node.port(), "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upg", 0));
      halfOpen.add(WireHttp.send(node.port(), "GET /v1/sse?topics=host", 0));
      WireWebSocket ws = WireWebSocket.open(node.port(), "/v1/ws");
      byte[] frame = WireWebSocket.textFrame("{\"op\":\"subscribe\",\"topics\":[\"hostile/**\"]}");
      ws.write(java.util.Arrays.copyOf(frame, frame.length / 2));
      halfOpen.add(ws.socket());
    }
    long start = System.nanoTime();
    Fetch.Reply live = Fetch.get(node.port(), "/health/live");
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (live.status() != 200 || ms > 1_000) {
      return "/health/live answered " + live.status() + " after " + ms + " ms with 80 half-open connections";
    }
    try {
      Await.until(() -> Scrape.connections(node.port(), "sse") == sseBefore && Scrape.connections(node.port(), "ws") == wsBefore + 20,
          Duration.ofSeconds(5), () -> "");
    } catch (AssertionError moved) {
      return "connection counts moved from " + sseBefore + " SSE / " + wsBefore + " WS to " + Scrape.connections(node.port(), "sse")
          + " / " + Scrape.connections(node.port(), "ws") + " (expected only the 20 upgraded WebSockets to count)";
    }
    return "unaffected";
  }

  /** 250 SSE and 250 WebSocket connections opened and dropped: half read the answer and close, half reset at once. */
  private String connectionChurn() {
    long sseBefore = Scrape.connections(node.port(), "sse");
    long wsBefore = Scrape.connections(node.port(), "ws");
    for (int i = 0; i < 500; i++) {
      boolean sse = i % 2 == 0;
      boolean orderly = (i / 2) % 2 == 0;
      if (sse) {
        Socket socket = WireHttp.send(node.port(), WireHttp.get(node.port(), Live.sse("hostile/**"), "Accept: text/event-stream"), 0);
        try {
          if (orderly) {
            socket.setSoTimeout(5_000);
            WireHttp.Head head = WireHttp.readHead(socket.getInputStream());
            if (head.status() != 200) {
              return "SSE connection " + i + " answered " + head.status();
            }
            socket.close();
          } else {
            socket.setSoLinger(true, 0);
            socket.close();
          }
        } catch (IOException e) {
          return "SSE connection " + i + " failed: " + e;
        }
      } else {
        WireWebSocket ws = WireWebSocket.open(node.port(), Live.ws("hostile/**"));
        if (ws.status() != 101) {
          return "WebSocket connection " + i + " answered " + ws.status();
        }
        if (orderly) {
          ws.write(WireWebSocket.frame(WireWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8}, true));
          ws.close();
        } else {
          ws.abort();
        }
      }
    }
    long start = System.nanoTime();
    Fetch.Reply live = Fetch.get(node.port(), "/health/live");
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (live.status() != 200 || ms > 1_000) {
      return "/health/live answered " + live.status() + " after " + ms + " ms";
    }
    try {
      Await.until(() -> Scrape.connections(node.port(), "sse") == sseBefore && Scrape.connections(node.port(), "ws") == wsBefore,
          Duration.ofSeconds(10), () -> "");
    } catch (AssertionError leaked) {
      return "connections leaked: /metrics still counts " + Scrape.connections(node.port(), "sse") + " SSE and "
          + Scrape.connections(node.port(), "ws") + " WebSocket connections, " + sseBefore + " and " + wsBefore + " before";
    }
    return "unaffected";
  }
}
