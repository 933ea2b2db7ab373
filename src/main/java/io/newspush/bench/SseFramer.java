package io.newspush.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts an SSE byte stream into events (blocks ending with a blank line), whatever the chunking.
 * Line ends are found eight bytes at a time (Netty's {@link ByteBuf#indexOf}): the client shares
 * the machine with the server it measures, and a byte-by-byte scan was about 5 % of its CPU,
 * growing with the event's size.
 */
final class SseFramer {
  interface Events {
    void event(byte[] data, int from, int to);
  }

  private static final byte LF = '\n';

  private final Events events;
  /** The start of an event whose end has not arrived yet; empty between events. */
  private final ByteBuf pending = Unpooled.buffer(0);

  SseFramer(Events events) {
    this.events = events;
  }

  void feed(Buffer chunk) {
    ByteBuf data = Payload.heapBytes(chunk);
    if (pending.isReadable()) {
      data = pending.writeBytes(data);
    }
    int start = data.readerIndex();
    int end = data.writerIndex();
    for (int lf = data.indexOf(start, end, LF); lf >= 0 && lf + 1 < end; lf = data.indexOf(lf + 1, end, LF)) {
      if (data.getByte(lf + 1) == LF) {
        events.event(data.array(), data.arrayOffset() + start, data.arrayOffset() + lf);
        start = lf + 2;
        lf++;
      }
    }
    if (data == pending) {
      pending.readerIndex(start).discardReadBytes();
    } else {
      pending.writeBytes(data, start, end - start);
    }
  }
}
