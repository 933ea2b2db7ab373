package io.newspush.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's SSE framing: the same events however the stream is cut into chunks. */
class SseFramerTest {
  private static final String STREAM = "event: article\nid: 1\ndata: {\"title\":\"义乌 NPB 1 2\"}\n\n"
      + ": heartbeat\n\n"
      + "id: 2\ndata: " + "长".repeat(40) + "\n\n"
      + "\n\n"
      + "data: last\n\n";
  private static final List<String> EVENTS = List.of("event: article\nid: 1\ndata: {\"title\":\"义乌 NPB 1 2\"}",
      ": heartbeat", "id: 2\ndata: " + "长".repeat(40), "", "data: last");

  @Test
  void oneChunkHoldingEveryEvent() {
    assertEquals(EVENTS, framed(List.of(STREAM.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void everyWayOfCuttingTheStreamInTwoOrIntoSingleBytes() {
    byte[] stream = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= stream.length; cut++) {
      List<byte[]> chunks = List.of(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut, stream.length));
      assertEquals(EVENTS, framed(chunks), "cut at byte " + cut);
    }
    List<byte[]> bytes = new ArrayList<>();
    for (int i = 0; i < stream.length; i++) {
      bytes.add(Arrays.copyOfRange(stream, i, i + 1));
    }
    assertEquals(EVENTS, framed(bytes), "one byte at a time");
  }

  @Test
  void anUnfinishedEventIsHeldBack() {
    assertEquals(List.of("data: a"), framed(List.of("data: a\n\ndata: b\n".getBytes(StandardCharsets.UTF_8))));
  }

  private static List<String> framed(List<byte[]> chunks) {
    List<String> events = new ArrayList<>();
    SseFramer framer = new SseFramer((data, from, to) -> events.add(new String(data, from, to - from, StandardCharsets.UTF_8)));
    chunks.forEach(chunk -> framer.feed(Buffer.buffer(chunk)));
    return events;
  }
}
