package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.article.ArticleJson;
import io.newspush.topic.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An article encoded once for every transport, down to the bytes on the wire: the SSE event
 * already framed as an HTTP chunk, and the WebSocket message already framed as an unmasked text
 * frame. The same buffers are written to every matching connection, each through its own
 * {@link ByteBuf#duplicate()}; releasing them does nothing.
 *
 * @param sseChunk the HTTP/1.1 chunk holding {@code id: seq / event: article / data: json}
 * @param wsFrame the WebSocket text frame holding {@code {"type":"article","article":json}}
 * @param visibleAtNanos {@link System#nanoTime()} when the feed received the article (read or notified), for latency metrics
 */
public record EncodedArticle(long seq, Topic topic, ByteBuf sseChunk, ByteBuf wsFrame, long visibleAtNanos) {

  private static final byte[] SSE_ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_EVENT = "\nevent: article\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WS_START = "{\"type\":\"article\",\"article\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final int WS_FIN_TEXT = 0x81;

  public static EncodedArticle of(Article article) {
    // JSON encoding escapes line breaks inside strings, so the article is one SSE data line.
    Buffer json = ArticleJson.toJson(article).toBuffer();
    byte[] seq = Long.toString(article.seq()).getBytes(StandardCharsets.US_ASCII);
    Buffer sse = Buffer.buffer(SSE_ID.length + seq.length + SSE_EVENT.length + json.length() + SSE_END.length)
        .appendBytes(SSE_ID).appendBytes(seq).appendBytes(SSE_EVENT).appendBuffer(json).appendBytes(SSE_END);
    Buffer ws = Buffer.buffer(WS_START.length + json.length() + 1)
        .appendBytes(WS_START).appendBuffer(json).appendByte((byte) '}');
    return new EncodedArticle(article.seq(), Topic.parse(article.topic()), httpChunk(sse.getBytes()),
        webSocketTextFrame(ws.getBytes()), System.nanoTime());
  }

  /** {@code payload} as one chunk of a chunked HTTP/1.1 body (RFC 9112, section 7.1), shared: see {@link #offHeap}. */
  public static ByteBuf httpChunk(byte[] payload) {
    return offHeap(httpChunkParts(payload));
  }

  /**
   * The same chunk on the heap, for a message one connection sends once (an SSE stream's opening
   * or closing event): direct memory is worth its allocation only when many connections share it.
   */
  public static ByteBuf httpChunkOnHeap(byte[] payload) {
    return Unpooled.wrappedBuffer(httpChunkParts(payload));
  }

  private static byte[][] httpChunkParts(byte[] payload) {
    return new byte[][] {Integer.toHexString(payload.length).getBytes(StandardCharsets.US_ASCII), CRLF, payload, CRLF};
  }

  /** {@code payload} as one final, unmasked text frame, as a server sends it (RFC 6455, section 5.2). */
  public static ByteBuf webSocketTextFrame(byte[] payload) {
    byte[] header;
    if (payload.length < 126) {
      header = new byte[] {(byte) WS_FIN_TEXT, (byte) payload.length};
    } else if (payload.length < 65536) {
      header = new byte[] {(byte) WS_FIN_TEXT, 126, (byte) (payload.length >>> 8), (byte) payload.length};
    } else {
      header = ByteBuffer.allocate(10).put((byte) WS_FIN_TEXT).put((byte) 127).putLong(payload.length).array();
    }
    return offHeap(header, payload);
  }

  /**
   * The parts joined in direct memory. The socket layer can only send direct memory, so a heap
   * buffer would be copied again for every connection it is written to; this copy is made once
   * per article. Unreleasable, so writing a duplicate touches no shared reference count; the JDK
   * frees the memory when the article is no longer referenced.
   */
  private static ByteBuf offHeap(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(length);
    for (byte[] part : parts) {
      direct.put(part);
    }
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct.flip()));
  }
}
