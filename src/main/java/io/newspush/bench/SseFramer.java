package io.newspush.bench;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/** Cuts an SSE byte stream into events (blocks ending with a blank line), whatever the chunking. */
final class SseFramer {
  interface Events {
    void event(byte[] data, int from, int to);
  }

  private final Events events;
  /** The start of an event whose end has not arrived yet; null between events. */
  private byte[] pending;

  SseFramer(Events events) {
    this.events = events;
  }

  void feed(Buffer chunk) {
    byte[] data = chunk.getBytes();
    if (pending != null) {
      byte[] joined = Arrays.copyOf(pending, pending.length + data.length);
      System.arraycopy(data, 0, joined, pending.length, data.length);
      data = joined;
    }
    int start = 0;
    for (int i = 1; i < data.length; i++) {
      if (data[i] == '\n' && data[i - 1] == '\n') {
        events.event(data, start, i - 1);
        start = i + 1;
      }
    }
    pending = start == data.length ? null : Arrays.copyOfRange(data, start, data.length);
  }
}
