package io.newspush.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The benchmark's articles. The title carries a marker with the publish counter and the wall-clock
 * time of publishing, so a receiver finds both with a byte scan, without decoding JSON, and the
 * latency needs no bookkeeping shared between publisher and subscribers.
 */
final class Payload {
  /** Found in the title only: the padding is Chinese text and nothing else in an article says it. */
  private static final String MARKER = "NPB ";
  private static final byte[] MARK = MARKER.getBytes(StandardCharsets.US_ASCII);
  private static final String FILLER = "义乌小商品市场今天迎来新一轮采购高峰，各国客商往来不绝。";

  /** A delivery's counter and publish time (microseconds since the epoch). */
  record Mark(long counter, long publishedMicros) {}

  private Payload() {}

  /** Wall-clock microseconds: comparable between the publishing and the receiving thread. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /** An article JSON of about {@code bytes} bytes (never less than it needs for its fields). */
  static Buffer article(String topic, long counter, long publishedMicros, int bytes) {
    JsonObject article = new JsonObject()
        .put("topic", topic)
        .put("title", MARKER + counter + " " + publishedMicros + " 基准测试")
        .put("tags", new JsonArray().add("bench"))
        .put("summary", "newspush benchmark article");
    int missing = bytes - article.toBuffer().length() - "\"body\":[\"\"],".length();
    StringBuilder padding = new StringBuilder();
    for (int i = 0; missing >= 3; i++) {
      padding.append(FILLER.charAt(i % FILLER.length()));
      missing -= 3;
    }
    padding.append("x".repeat(Math.max(0, missing)));
    return article.put("body", new JsonArray().add(padding.toString())).toBuffer();
  }

  /**
   * The bytes of a received buffer as a heap {@code ByteBuf}, without copying them when they are
   * on the heap already (Vert.x copies what it reads onto the heap): a copy of every message was
   * a third of what the client allocated, and its collections' pauses land in the latencies.
   */
  static ByteBuf heapBytes(Buffer buffer) {
    ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
    return bytes.hasArray() ? bytes : Unpooled.wrappedBuffer(buffer.getBytes());
  }

  /** The marker in {@code message[from, to)}, or null when this is not a benchmark article. */
  static Mark find(byte[] message, int from, int to) {
    int at = indexOf(message, MARK, from, to);
    if (at < 0) {
      return null;
    }
    int counterAt = at + MARK.length;
    int counterEnd = digitsEnd(message, counterAt, to);
    long counter = parseLong(message, counterAt, counterEnd);
    return new Mark(counter, parseLong(message, counterEnd + 1, to));
  }

  /** Candidates are found by their first byte, eight bytes at a time (see {@link SseFramer}). */
  static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
    ByteBuf bytes = Unpooled.wrappedBuffer(haystack);
    int lastStart = to - needle.length + 1;
    for (int i = bytes.indexOf(from, lastStart, needle[0]); i >= 0; i = bytes.indexOf(i + 1, lastStart, needle[0])) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  /** The decimal number starting at {@code from}; -1 if there is none. */
  static long parseLong(byte[] buffer, int from, int to) {
    int end = digitsEnd(buffer, from, to);
    long value = 0;
    for (int i = from; i < end; i++) {
      value = value * 10 + (buffer[i] - '0');
    }
    return end == from ? -1 : value;
  }

  private static int digitsEnd(byte[] buffer, int from, int to) {
    int i = from;
    while (i < to && buffer[i] >= '0' && buffer[i] <= '9') {
      i++;
    }
    return i;
  }
}
