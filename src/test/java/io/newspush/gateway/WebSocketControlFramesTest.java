package io.newspush.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.newspush.testing.Live;
import io.newspush.testing.NodeExtension;
import io.newspush.testing.RawWebSocket;
import io.newspush.testing.RawWebSocket.Frame;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What RFC 6455 asks of the server for the client's control frames, on a bare socket: a ping is
 * answered with a pong carrying its payload, a Close frame is answered with the same status and
 * the connection is then dropped, a binary message is refused with an error and the socket stays.
 */
class WebSocketControlFramesTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void aPingIsAnsweredWithAPongCarryingItsPayload() {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("control/ping"))) {
      byte[] payload = "你好 ping".getBytes(StandardCharsets.UTF_8);
      ws.sendFrame(RawWebSocket.PING, payload, true);
      ws.sendFrame(RawWebSocket.CLOSE, closePayload(1000, "done"), true);
      List<Frame> frames = ws.readUntilClosed(10_000);
      Frame pong = frames.stream().filter(f -> f.opcode() == RawWebSocket.PONG).findFirst()
          .orElseThrow(() -> new AssertionError("no pong for the client's ping; frames: " + describe(frames)));
      assertArrayEquals(payload, pong.payload(), "the pong carries the ping's payload byte for byte");
    }
  }

  @Test
  void aCloseFrameIsAnsweredWithTheSameStatusAndThenTheConnectionIsDropped() {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/v1/ws?" + Live.topics("control/close"))) {
      ws.sendFrame(RawWebSocket.CLOSE, closePayload(4000, "leaving"), true);
      List<Frame> frames = ws.readUntilClosed(10_000);
      Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
      assertTrue(last != null && last.opcode() == RawWebSocket.CLOSE, "the server answers a Close frame with one; got " + describe(frames));
      assertEquals(4000, last.closeStatus(), "the answer echoes the client's status code");
      assertTrue(ws.closedByServerWithin(5_000), "after the close handshake the server closes the TCP connection");
    }
  }

  @Test
  void aBinaryMessageIsRefusedWithAnErrorAndTheConnectionStaysUsable() {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/v1/ws")) {
      ws.sendFrame(RawWebSocket.BINARY, new byte[] {1, 2, 3}, true);
      ws.sendFrame(RawWebSocket.TEXT, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8), true);
      ws.sendFrame(RawWebSocket.CLOSE, closePayload(1000, "done"), true);
      List<Frame> frames = ws.readUntilClosed(10_000);
      List<JsonObject> messages = frames.stream().filter(f -> f.opcode() == RawWebSocket.TEXT).map(f -> new JsonObject(f.text())).toList();
      assertEquals(2, messages.size(), "an error for the binary frame, then the pong for the ping op; got " + messages);
      assertEquals("error", messages.get(0).getString("type"));
      assertEquals("unsupported_frame", messages.get(0).getString("code"));
      assertEquals("pong", messages.get(1).getString("type"), "the connection still answers ops after the refusal");
    }
  }

  private static byte[] closePayload(int status, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + text.length).putShort((short) status).put(text).array();
  }

  private static String describe(List<Frame> frames) {
    return frames.stream().map(f -> "opcode " + f.opcode() + " " + f.text()).toList().toString();
  }
}
